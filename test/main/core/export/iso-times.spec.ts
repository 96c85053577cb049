import { describe, expect, it } from 'vitest'

import { IsoTimes } from '../../../../src/main/core/export/iso-times'

const iso = (ms: number): string => {
  const date = new Date(ms)
  return Number.isNaN(date.getTime()) ? '' : date.toISOString()
}

describe('receive times as ISO 8601', () => {
  it('are what toISOString writes, in order, out of order, across minutes, days and years', () => {
    const times = new IsoTimes()
    const start = Date.UTC(2026, 11, 31, 23, 58, 59, 990)
    const asked: number[] = []
    for (let ms = start; ms < start + 130_000; ms += 997) asked.push(ms)
    asked.push(start, start + 60_000, start - 1, 0, 59_999, 60_000, Date.UTC(2028, 1, 29, 12))
    // Random ones, each far from the minute before it.
    let seed = 7
    for (let i = 0; i < 500; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      asked.push(Math.floor((seed / 2 ** 31) * 4_000_000_000_000))
    }
    expect(asked.map((ms) => times.format(ms))).toEqual(asked.map(iso))
  })

  it('are made whole for times past 9999 and empty for a time no date has', () => {
    const times = new IsoTimes()
    for (const ms of [253_402_300_799_999, 253_402_300_800_000, 8.64e15, 8.64e15 + 1, -1, NaN])
      expect(times.format(ms)).toBe(iso(ms))
  })
})
