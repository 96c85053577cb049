import type { SeriesBucket } from '../../../shared/history-types'

/** One bucket as the chart draws it: `[t, avg, min, max, count]`, the first two its line. */
export type SeriesRow = [t: number, avg: number, min: number, max: number, count: number]
/** Where buckets are missing: nothing to draw, so the line and the band break there. */
export type GapRow = [t: number, avg: null, min: null, max: null, count: 0]

/**
 * A field's buckets (oldest first, empty ones left out) as the rows of its chart, a gap row
 * between two buckets wherever the reports stopped. Where the device reports several times a
 * bucket, one empty bucket is a stop (a 1 Hz device's minute without a report); where it reports
 * about once a bucket or less, two or more of its own steps missing are — a device reporting
 * every 5 s drawn in 1 s buckets has four empty buckets out of five and is not broken into dots
 * for it, nor is a 1 Hz device whose report came late and left one 1 s bucket empty.
 */
export function seriesRows(
  buckets: readonly SeriesBucket[],
  bucketMs: number
): Array<SeriesRow | GapRow> {
  const rows: Array<SeriesRow | GapRow> = []
  const dense = median(buckets.map((b) => b.count)) >= 3
  const step = dense ? bucketMs : Math.max(bucketMs, median(steps(buckets)))
  const longest = dense ? bucketMs : 2 * step
  let before: SeriesBucket | undefined
  for (const b of buckets) {
    if (before !== undefined && b.t - before.t > longest)
      rows.push([before.t + bucketMs, null, null, null, 0])
    rows.push([b.t, b.avg, b.min, b.max, b.count])
    before = b
  }
  return rows
}

/** Whether the row at `i` is drawn alone: no drawn row either side, so no line reaches it. */
export function isolated(rows: ReadonlyArray<SeriesRow | GapRow>, i: number): boolean {
  return rows[i]?.[1] != null && rows[i - 1]?.[1] == null && rows[i + 1]?.[1] == null
}

function steps(buckets: readonly SeriesBucket[]): number[] {
  return buckets.slice(1).map((b, i) => b.t - buckets[i]!.t)
}

function median(values: number[]): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}
