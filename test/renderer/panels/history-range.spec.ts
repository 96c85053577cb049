import { describe, expect, it } from 'vitest'

import {
  MAX_CHART_FIELDS,
  bucketWidthFor,
  customRangeProblem,
  formatBucketWidth,
  fromLocalInput,
  pointsFor,
  refreshMs,
  toLocalInput,
  windowOf
} from '../../../src/renderer/src/panels/history-range'
import { SERIES_LIMITS } from '../../../src/shared/history-types'

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

describe('a device chart’s range', () => {
  it('follows now for a preset and stays put for a custom range', () => {
    expect(windowOf({ preset: '7d' }, 10 * DAY)).toEqual({ since: 3 * DAY, until: 10 * DAY })
    expect(windowOf({ since: 5, until: 9 }, 10 * DAY)).toEqual({ since: 5, until: 9 })
  })

  it('asks for about a bucket a pixel, at most the series’ default of 1,500', () => {
    expect(pointsFor(837)).toBe(800)
    expect(pointsFor(3000)).toBe(SERIES_LIMITS.defaultPoints)
    expect(pointsFor(20)).toBe(100)
  })

  it('is fetched again about once a bucket, between every 5 s and every minute', () => {
    expect(bucketWidthFor(15 * MINUTE, 800)).toBe(2000)
    expect(refreshMs(15 * MINUTE, 800)).toBe(5000)
    expect(refreshMs(6 * 60 * MINUTE, 800)).toBe(30_000)
    expect(refreshMs(30 * DAY, 800)).toBe(MINUTE)
  })

  it('reads and writes datetime-local fields in local time', () => {
    const time = new Date(2025, 0, 31, 18, 5).getTime()
    expect(toLocalInput(time)).toBe('2025-01-31T18:05')
    expect(fromLocalInput('2025-01-31T18:05')).toBe(time)
    expect(fromLocalInput('')).toBeUndefined()
    expect(fromLocalInput('yesterday')).toBeUndefined()
  })

  it('shows a custom range only when whole and its start before its end', () => {
    expect(customRangeProblem(undefined, 5)).toBe('incomplete')
    expect(customRangeProblem(5, 5)).toBe('order')
    expect(customRangeProblem(6, 5)).toBe('order')
    expect(customRangeProblem(4, 5)).toBeUndefined()
  })

  it('writes a bucket’s width for people', () => {
    expect(formatBucketWidth(500, 'en')).toBe('500 ms')
    expect(formatBucketWidth(5000, 'en')).toBe('5 sec')
    expect(formatBucketWidth(10 * MINUTE, 'en')).toBe('10 min')
    expect(formatBucketWidth(7 * DAY, 'en')).toBe('7 days')
    expect(MAX_CHART_FIELDS).toBe(4)
  })
})
