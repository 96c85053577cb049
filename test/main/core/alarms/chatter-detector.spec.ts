import { describe, expect, it } from 'vitest'

import { CHATTERING, ChatterDetector } from '../../../../src/main/core/alarms/chatter-detector'

describe('ChatterDetector', () => {
  it('tells when an alarm raised more than maxRaises times within the window', () => {
    const detector = new ChatterDetector(100)
    for (let n = 0; n < CHATTERING.maxRaises; n++) expect(detector.record('a', n * 1000)).toBeNull()
    expect(detector.record('b', 0)).toBeNull()
    expect(detector.record('a', 59_999)).toBe(CHATTERING.maxRaises + 1)
    // Once the oldest raises leave the window, it is quiet again.
    expect(detector.record('a', 70_000)).toBeNull()
  })

  it('holds at most maxAlarms histories, and drops the quiet ones once a window', () => {
    const detector = new ChatterDetector(3)
    for (const alarm of ['a', 'b', 'c', 'd']) detector.record(alarm, 0)
    expect(detector.tracked()).toBe(3)
    detector.record('d', 30_000)
    detector.prune(60_000)
    expect(detector.tracked()).toBe(1)
    detector.record('e', 60_000)
    detector.prune(90_000)
    expect(detector.tracked()).toBe(2)
    detector.prune(120_000)
    expect(detector.tracked()).toBe(0)
  })
})
