import { describe, expect, it } from 'vitest'

import { SlowViewers } from '../../../../src/main/core/live/slow-viewers'

/** A connection as engine.io holds it: its queue of packets not yet written. */
const viewer = (id: string, queued: number, writable = true) => ({
  id,
  conn: { writeBuffer: new Array(queued), transport: { writable } }
})

describe('SlowViewers', () => {
  it('counts a viewer slow once more packets wait for it than allowed', () => {
    const slow = new SlowViewers(2)
    expect(slow.isSlow(viewer('a', 2))).toBe(false)
    expect(slow.isSlow(viewer('a', 3))).toBe(true)
    expect(slow.isSlow({ id: 'b', conn: { transport: { writable: false } } })).toBe(true)
  })

  it('tells a viewer once what it missed, an event without reports included', () => {
    const slow = new SlowViewers(2)
    expect(slow.caughtUp('a')).toBeUndefined()
    slow.skipped('a', 0) // a `devices` change
    slow.skipped('a', 40)
    expect(slow.caughtUp('a')).toBe(40)
    expect(slow.caughtUp('a')).toBeUndefined()
    slow.skipped('b', 0)
    expect(slow.caughtUp('b')).toBe(0)
  })

  it('forgets a viewer that starts over or leaves', () => {
    const slow = new SlowViewers(2)
    slow.skipped('a', 5)
    slow.forget('a')
    expect(slow.caughtUp('a')).toBeUndefined()
  })
})
