import { describe, expect, it } from 'vitest'

import { FloodDetector } from '../../../../src/main/core/alarms/flood-detector'

const MINUTE = 60_000

describe('FloodDetector', () => {
  it('floods at the raise that makes more than the threshold within the window', () => {
    const floods = new FloodDetector(3, 10 * MINUTE)
    expect(floods.record('a', 0)).toBe(false)
    expect(floods.record('b', MINUTE)).toBe(false)
    expect(floods.record('c', 2 * MINUTE)).toBe(false)
    expect(floods.state(2 * MINUTE)).toMatchObject({ active: false, raisedInWindow: 3 })
    expect(floods.record('d', 3 * MINUTE)).toBe(true)
    expect(floods.state(3 * MINUTE)).toEqual({
      active: true,
      since: 3 * MINUTE,
      raisedInWindow: 4,
      threshold: 3,
      windowMinutes: 10,
      firstOut: 'a'
    })
    // Already flooding: a further raise does not begin another.
    expect(floods.record('e', 4 * MINUTE)).toBe(false)
  })

  it('does not flood when the raises are spread wider than the window', () => {
    const floods = new FloodDetector(3, 10 * MINUTE)
    for (let i = 0; i < 20; i++) expect(floods.record(`a${i}`, i * 4 * MINUTE)).toBe(false)
    expect(floods.state(76 * MINUTE).raisedInWindow).toBe(3)
    expect(floods.state(80 * MINUTE).raisedInWindow).toBe(2)
  })

  it('names as first-out the first raise still within the window when it began', () => {
    const floods = new FloodDetector(2, 10 * MINUTE)
    floods.record('old', 0)
    floods.record('b', 9 * MINUTE)
    floods.record('c', 10.5 * MINUTE) // 'old' has left the window
    expect(floods.state(10.5 * MINUTE).active).toBe(false)
    expect(floods.record('d', 11 * MINUTE)).toBe(true)
    expect(floods.state(11 * MINUTE).firstOut).toBe('b')
  })

  it('ends once the window holds the threshold or fewer again', () => {
    const floods = new FloodDetector(2, 10 * MINUTE)
    floods.record('a', 0)
    floods.record('b', MINUTE)
    floods.record('c', 2 * MINUTE)
    expect(floods.check(5 * MINUTE)).toBe(false)
    expect(floods.check(10 * MINUTE - 1)).toBe(false)
    // At 10 minutes 'a' leaves the window: two left, the threshold.
    expect(floods.check(10 * MINUTE)).toBe(true)
    expect(floods.state(10 * MINUTE)).toMatchObject({
      active: false,
      since: null,
      firstOut: null,
      raisedInWindow: 2
    })
    expect(floods.check(11 * MINUTE)).toBe(false)
  })

  it('can flood again after one ended', () => {
    const floods = new FloodDetector(1, MINUTE)
    floods.record('a', 0)
    expect(floods.record('b', 1)).toBe(true)
    expect(floods.check(2 * MINUTE)).toBe(true)
    floods.record('c', 3 * MINUTE)
    expect(floods.record('d', 3 * MINUTE + 5)).toBe(true)
    expect(floods.state(3 * MINUTE + 5).firstOut).toBe('c')
  })

  it('keeps threshold + 1 raise times under 100,000 raises, and still counts them', () => {
    const floods = new FloodDetector(10, 10 * MINUTE)
    // 100,000 raises over 5 minutes: all within the window.
    for (let i = 0; i < 100_000; i++) floods.record(`a${i % 50}`, i * 3)
    expect(floods.retained()).toBe(11)
    const state = floods.state(300_000)
    expect(state.active).toBe(true)
    expect(state.raisedInWindow).toBe(100_000)
    // Later, most of them have slid out: the count is exact to a sixtieth of the window.
    const later = floods.state(10 * MINUTE + 150_000)
    expect(later.raisedInWindow).toBeGreaterThanOrEqual(50_000)
    expect(later.raisedInWindow).toBeLessThanOrEqual(50_000 + (10 * MINUTE) / 60 / 3 + 1)
    expect(floods.check(10 * MINUTE + 300_000)).toBe(true)
    expect(floods.state(10 * MINUTE + 300_000).raisedInWindow).toBe(0)
  })
})
