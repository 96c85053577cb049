import { SERIES_BUCKET_WIDTHS_MS } from '../../../shared/history-types'
import { ROLLUP_WIDTH_MS, type RollupResolution } from '../persistence/partition-rollups'

/** How a series over a range is read: its buckets, and where their values come from. */
export interface SeriesPlan {
  bucketMs: number
  /** The first bucket's start: `since` rounded down to a whole bucket. */
  from: number
  /** The end of the last bucket (exclusive): every report of the last bucket counts, too. */
  end: number
  buckets: number
  /** The rollup width the buckets are made of; null: read from the reports themselves. */
  resolution: RollupResolution | null
}

/** How many buckets of `width` the range touches, whole ones from since's to until's. */
function bucketsOver(since: number, until: number, width: number): number {
  return Math.floor(until / width) - Math.floor(since / width) + 1
}

/**
 * The smallest width of SERIES_BUCKET_WIDTHS_MS that leaves at most `points` buckets over
 * [since, until]; null when even the widest leaves more. Whole hours are made of the hour
 * rollups, whole minutes of the minute rollups, anything finer of the reports.
 */
export function planSeries(since: number, until: number, points: number): SeriesPlan | null {
  for (const width of SERIES_BUCKET_WIDTHS_MS) {
    const buckets = bucketsOver(since, until, width)
    if (buckets > points) continue
    const from = Math.floor(since / width) * width
    return {
      bucketMs: width,
      from,
      end: from + buckets * width,
      buckets,
      resolution:
        width % ROLLUP_WIDTH_MS.hour === 0
          ? 'hour'
          : width % ROLLUP_WIDTH_MS.minute === 0
            ? 'minute'
            : null
    }
  }
  return null
}

/** The fewest points a range can be answered in (at the widest bucket). */
export function leastPoints(since: number, until: number): number {
  return bucketsOver(since, until, SERIES_BUCKET_WIDTHS_MS[SERIES_BUCKET_WIDTHS_MS.length - 1]!)
}
