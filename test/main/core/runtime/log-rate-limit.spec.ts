import { describe, expect, it } from 'vitest'

import { RateLimitedLog } from '../../../../src/main/core/runtime/log-rate-limit'
import { capturingLogger } from '../../../support/log-lines'

function rig(options: { burst?: number; intervalMs?: number; maxKeys?: number } = {}) {
  const { logger, lines } = capturingLogger()
  let now = 1_000_000
  const log = new RateLimitedLog({
    logger,
    burst: options.burst ?? 3,
    intervalMs: options.intervalMs ?? 10_000,
    maxKeys: options.maxKeys,
    summary: (count, seconds, key) => `${count} more ${key} in the last ${seconds} s`,
    now: () => now
  })
  return {
    log,
    lines,
    advance: (ms: number) => (now += ms)
  }
}

describe('RateLimitedLog', () => {
  it('logs the first lines of a window one by one and sums up the rest in one line', () => {
    const { log, lines, advance } = rig()
    for (let i = 0; i < 1000; i++) log.log('offline', { device: `d${i}` }, 'device offline')
    expect(lines.map((l) => l.msg)).toEqual(['device offline', 'device offline', 'device offline'])
    advance(10_000)
    log.log('offline', { device: 'late' }, 'device offline')
    expect(lines.slice(3)).toMatchObject([
      { msg: '997 more offline in the last 10 s', suppressed: 997, seconds: 10 }
    ])
    // The flood goes on: the next window is one summary too, not a burst and a summary.
    advance(10_000)
    log.log('offline', {}, 'device offline')
    expect(lines.slice(4).map((l) => l.msg)).toEqual(['1 more offline in the last 10 s'])
    log.flush()
    expect(lines.slice(5).map((l) => l.msg)).toEqual(['1 more offline in the last 1 s'])
  })

  it('starts over with single lines once a quiet window has passed', () => {
    const { log, lines, advance } = rig({ burst: 1 })
    log.log('k', {}, 'one')
    log.log('k', {}, 'two')
    advance(10_000)
    log.log('k', {}, 'three') // ends the first window: its summary; the flood goes on
    advance(20_000) // …and stops: a whole window passes with no line
    log.log('k', {}, 'four')
    expect(lines.map((l) => l.msg)).toEqual([
      'one',
      '1 more k in the last 10 s',
      '1 more k in the last 20 s',
      'four'
    ])
  })

  it('limits each key on its own, and bounds how many keys it tracks', () => {
    const { log, lines } = rig({ burst: 1, maxKeys: 2 })
    for (const key of ['a', 'a', 'b', 'b', 'c', 'd', 'e']) log.log(key, { key }, `line ${key}`)
    // a and b each get one line; c, d and e share one window once two keys are tracked.
    expect(lines.map((l) => l.msg)).toEqual(['line a', 'line b', 'line c'])
    log.flush()
    expect(
      lines
        .slice(3)
        .map((l) => l.msg)
        .sort()
    ).toEqual(['1 more a in the last 1 s', '1 more b in the last 1 s', '2 more * in the last 1 s'])
  })

  it('logs the summary on a timer when no further line comes', async () => {
    const { logger, lines } = capturingLogger()
    const log = new RateLimitedLog({
      logger,
      burst: 1,
      intervalMs: 30,
      summary: (n) => `${n} more`
    })
    log.log('k', {}, 'first')
    log.log('k', {}, 'second')
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (lines.length === 2) {
          clearInterval(check)
          resolve()
        }
      }, 5)
    })
    expect(lines.map((l) => l.msg)).toEqual(['first', '1 more'])
    log.stop()
  })
})
