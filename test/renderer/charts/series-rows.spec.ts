import { describe, expect, it } from 'vitest'

import { isolated, seriesRows } from '../../../src/renderer/src/charts/series-rows'
import type { SeriesBucket } from '../../../src/shared/history-types'

const at = (t: number, count: number, v = 1): SeriesBucket => ({
  t,
  min: v,
  max: v,
  avg: v,
  count,
  last: v
})
const gaps = (rows: ReturnType<typeof seriesRows>): number[] =>
  rows.filter((r) => r[1] === null).map((r) => r[0])

describe('a series’ rows', () => {
  it('breaks where one bucket is missing among buckets of several reports each', () => {
    // 1-minute buckets of a 1 Hz device: minute 3 empty is an outage.
    const buckets = [0, 1, 2, 4, 5].map((m) => at(m * 60_000, 60))
    expect(gaps(seriesRows(buckets, 60_000))).toEqual([3 * 60_000])
  })

  it('does not break a device that reports about once a bucket for a late report', () => {
    // 1 s buckets of a 1 Hz device: one empty second where a report came late.
    const buckets = [0, 1, 2, 3, 5, 6, 7, 8].map((s) => at(s * 1000, 1))
    expect(gaps(seriesRows(buckets, 1000))).toEqual([])
    // Two seconds and more missing: it stopped.
    const stopped = [0, 1, 2, 3, 4, 8, 9, 10].map((s) => at(s * 1000, 1))
    expect(gaps(seriesRows(stopped, 1000))).toEqual([5000])
  })

  it('does not break a device that reports less often than a bucket into dots', () => {
    // Every 5 s in 1 s buckets: four empty of five, one line; a minute missing breaks it.
    const buckets = [0, 5, 10, 15, 20, 80, 85, 90].map((s) => at(s * 1000, 1))
    const rows = seriesRows(buckets, 1000)
    expect(gaps(rows)).toEqual([21_000])
    expect(rows.map((_, i) => isolated(rows, i))).not.toContain(true)
  })

  it('finds a bucket between two gaps, which no line reaches', () => {
    const buckets = [0, 1, 2, 10, 20, 21].map((m) => at(m * 60_000, 60))
    const rows = seriesRows(buckets, 60_000)
    expect(rows.flatMap((r, i) => (isolated(rows, i) ? [r[0]] : []))).toEqual([10 * 60_000])
  })

  it('has no row for no bucket, and one for one', () => {
    expect(seriesRows([], 1000)).toEqual([])
    const rows = seriesRows([at(0, 3, 55)], 1000)
    expect(rows).toEqual([[0, 55, 55, 55, 3]])
    expect(isolated(rows, 0)).toBe(true)
  })
})
