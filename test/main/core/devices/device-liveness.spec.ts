import { describe, expect, it } from 'vitest'

import { DeviceLiveness } from '../../../../src/main/core/devices/device-liveness'

describe('DeviceLiveness', () => {
  it('goes offline after three usual intervals', () => {
    const l = new DeviceLiveness(10_000)
    for (let t = 0; t <= 100_000; t += 20_000) l.seen(t) // every 20 s
    expect(l.offlineAfterMs()).toBe(60_000)
    expect(l.check(100_000 + 59_000)).toBe(false)
    expect(l.online).toBe(true)
    expect(l.check(100_000 + 61_000)).toBe(true)
    expect(l.online).toBe(false)
  })

  it('waits at least the minimum for a fast reporter, and ignores bursts in one millisecond', () => {
    const l = new DeviceLiveness(10_000)
    for (let t = 0; t < 5_000; t += 100) for (let i = 0; i < 20; i++) l.seen(t) // bursts every 100 ms
    expect(l.offlineAfterMs()).toBe(10_000)
    expect(l.check(4_900 + 9_000)).toBe(false)
    expect(l.check(4_900 + 10_500)).toBe(true)
  })

  it('uses a fixed time when one is configured', () => {
    const l = new DeviceLiveness(10_000, 2_000)
    l.seen(0)
    l.seen(60_000)
    expect(l.offlineAfterMs()).toBe(2_000)
  })

  it('reports coming online once, and again after going offline', () => {
    const l = new DeviceLiveness(1_000)
    expect(l.seen(0)).toBe(true)
    expect(l.seen(500)).toBe(false)
    expect(l.check(5_000)).toBe(true)
    expect(l.seen(5_001)).toBe(true)
  })

  it('counts the reports of the last 60 seconds', () => {
    const l = new DeviceLiveness(10_000)
    for (let s = 0; s < 120; s++) l.seen(s * 1000 + 500)
    expect(l.reportsPerMinute(119_900)).toBe(60)
    expect(l.reportsPerMinute(200_000)).toBe(0)
  })
})
