import { describe, expect, it } from 'vitest'

import { SourceHealthFeed } from '../../../../src/main/core/sources/source-health-feed'
import type { SourceTimers } from '../../../../src/main/core/sources/source'
import type { SourceHealth } from '../../../../src/shared/source-types'

/** Timers a spec fires by hand: the feed's second passes when the spec says so. */
function manualTimers(): SourceTimers & { fire(): void; pending(): number } {
  const waiting = new Map<number, () => void>()
  let next = 0
  return {
    setTimeout: (callback) => {
      waiting.set(++next, callback)
      return next
    },
    clearTimeout: (handle) => void waiting.delete(handle as number),
    fire: () => {
      const callbacks = [...waiting.values()]
      waiting.clear()
      for (const callback of callbacks) callback()
    },
    pending: () => waiting.size
  }
}

const health = (over: Partial<SourceHealth> = {}): SourceHealth => ({
  id: 'plc-1',
  type: 'modbus',
  device: 'plc-1',
  origin: 'console',
  state: 'connecting',
  lastError: null,
  lastRead: null,
  readsPerSec: 0,
  ...over
})

describe('SourceHealthFeed', () => {
  it('answers an empty list until it watches the sources, then their health at once', () => {
    const feed = new SourceHealthFeed({ timers: manualTimers() })
    const sent: SourceHealth[][] = []
    feed.on('changed', (list) => sent.push(list))
    expect(feed.current()).toEqual([])
    feed.watch(() => [health()])
    expect(feed.current()).toEqual([health()])
    expect(sent).toEqual([[health()]])
  })

  it('announces the list once a second, and only when it changed', () => {
    const timers = manualTimers()
    const feed = new SourceHealthFeed({ timers })
    let now = [health()]
    const sent: SourceHealth[][] = []
    feed.on('changed', (list) => sent.push(list))
    feed.watch(() => now)
    // Many readings within one second: one announcement, with what the second ended with.
    now = [health({ state: 'connected', lastRead: 1000, readsPerSec: 1 })]
    now = [health({ state: 'connected', lastRead: 1100, readsPerSec: 2 })]
    expect(sent).toHaveLength(1)
    timers.fire()
    expect(sent).toHaveLength(2)
    expect(sent[1]![0]).toMatchObject({ lastRead: 1100, readsPerSec: 2 })
    // Nothing moved: nothing sent.
    timers.fire()
    expect(sent).toHaveLength(2)
    now = [health({ state: 'error', lastError: 'connect ECONNREFUSED 127.0.0.1:1502' })]
    timers.fire()
    expect(sent.at(-1)![0]).toMatchObject({ state: 'error', lastError: /ECONNREFUSED/ })
    // A source removed is a shorter list.
    now = []
    timers.fire()
    expect(sent.at(-1)).toEqual([])
  })

  it('stops looking once stopped', () => {
    const timers = manualTimers()
    const feed = new SourceHealthFeed({ timers })
    let reads = 0
    feed.watch(() => {
      reads++
      return []
    })
    feed.stop()
    expect(timers.pending()).toBe(0)
    timers.fire()
    expect(reads).toBe(1)
  })
})
