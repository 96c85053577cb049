import { describe, expect, it } from 'vitest'

import { timeAxisLabels, timeLabelText } from '../../../src/renderer/src/charts/time-axis'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const local = (text: string): number => new Date(text).getTime()

describe('a history chart’s time labels', () => {
  it('steps by the smallest whole part of the clock that leaves each label its room', () => {
    const end = local('2025-03-10T12:00:00')
    expect(timeAxisLabels(end - 15 * MINUTE, end, 1200).step).toBe(MINUTE)
    expect(timeAxisLabels(end - 15 * MINUTE, end, 900).step).toBe(2 * MINUTE)
    expect(timeAxisLabels(end - DAY, end, 900).step).toBe(2 * HOUR)
    expect(timeAxisLabels(end - 7 * DAY, end, 900).step).toBe(12 * HOUR)
    expect(timeAxisLabels(end - 30 * DAY, end, 900).step).toBe(3 * DAY)
    for (const span of [MINUTE, HOUR, DAY, 30 * DAY]) {
      const { values, step } = timeAxisLabels(end - span, end, 600)
      expect((step / span) * 600, `${span}`).toBeGreaterThanOrEqual(64)
      expect(values.length).toBeGreaterThanOrEqual(2)
    }
  })

  it('puts hours and days at local midnight and whole hours from it', () => {
    const end = local('2025-03-10T12:34:56')
    const { values } = timeAxisLabels(end - 7 * DAY, end, 900)
    for (const t of values) {
      const d = new Date(t)
      expect([d.getHours(), d.getMinutes(), d.getSeconds()]).toSatisfy(
        ([h, m, s]: number[]) => h! % 12 === 0 && m === 0 && s === 0
      )
    }
    expect(values[0]).toBeGreaterThanOrEqual(end - 7 * DAY)
    expect(values.at(-1)).toBeLessThanOrEqual(end)
    const days = timeAxisLabels(end - 30 * DAY, end, 900).values
    for (const t of days) expect(new Date(t).getHours()).toBe(0)
  })

  it('keeps its labels in place as the window rolls', () => {
    const end = local('2025-03-10T12:00:00')
    const now = timeAxisLabels(end - 15 * MINUTE, end, 900).values
    const later = timeAxisLabels(end - 15 * MINUTE + 5000, end + 5000, 900).values
    expect(later.filter((t) => now.includes(t)).length).toBeGreaterThanOrEqual(now.length - 1)
  })

  it('writes a day as the day, a time with seconds where labels are seconds apart', () => {
    expect(timeLabelText(local('2025-03-08T00:00:00'), 12 * HOUR, 'en')).toBe('Mar 8')
    expect(timeLabelText(local('2025-03-08T12:00:00'), 12 * HOUR, 'en')).toBe('12:00')
    expect(timeLabelText(local('2025-03-08T00:00:00'), 2 * DAY, 'zh')).toBe('3月8日')
    expect(timeLabelText(local('2025-03-08T18:49:15'), 15_000, 'en')).toBe('18:49:15')
    // Under an hour apart, midnight is a time like the others.
    expect(timeLabelText(local('2025-03-08T00:00:00'), MINUTE, 'en')).toBe('00:00')
  })

  it('has none for an empty range or a plot of no width', () => {
    expect(timeAxisLabels(10, 10, 900).values).toEqual([])
    expect(timeAxisLabels(0, 1000, 0).values).toEqual([])
  })
})
