import type { FieldSeries, SeriesBucket } from '../../../shared/history-types'
import type { StoredReport } from '../../../shared/ingest-protocol'
import type { FieldBuckets, RollupResolution } from '../persistence/partition-rollups'
import type { DeviceBuckets } from './partition-rollup'
import { seriesValueAt } from './report-values'
import type { SeriesPlan } from './series-plan'

/** One partition as a series reads it, for one device. */
export interface SeriesSource {
  /**
   * The device's rollup buckets of one width: null when the partition holds no report of it,
   * undefined when it has no usable rollup (then its reports are read).
   */
  rollup(resolution: RollupResolution): Promise<DeviceBuckets | null | undefined>
  /** The device's reports received in [from, end), in the order they were stored, in chunks. */
  reports(from: number, end: number): AsyncIterable<readonly StoredReport[]>
}

/**
 * The series of `fields` over the plan's buckets, from `sources` (the partitions that may hold
 * the device, oldest first). Each partition gives its rollup where it has one that holds the
 * field exactly, and its reports otherwise; a bucket two partitions share is merged, its `last`
 * from the later one.
 */
export async function readSeries(
  plan: SeriesPlan,
  fields: readonly string[],
  sources: readonly SeriesSource[]
): Promise<FieldSeries[]> {
  const asked = [...new Set(fields)]
  const sums = new Map(asked.map((field) => [field, new SeriesSums(plan)]))
  const resolution = plan.resolution
  // Rollups are small and read in parallel; reports (a partition each) one partition at a time.
  const rollups = await Promise.all(
    sources.map((s) => (resolution === null ? undefined : s.rollup(resolution)))
  )
  for (let i = 0; i < sources.length; i++) {
    const rollup = rollups[i]
    if (rollup === null) continue
    const raw: string[] = []
    for (const field of asked) {
      const buckets = rollup?.field(field)
      if (rollup !== undefined && buckets !== undefined && buckets.exact)
        sums.get(field)!.addBuckets(buckets)
      else if (rollup === undefined || buckets !== undefined || !rollup.allFields) raw.push(field)
      // else: the rollup holds every field of the device here, and not this one: no values.
    }
    if (raw.length === 0) continue
    const paths = raw.map((field) => ({ path: field.split('.'), into: sums.get(field)! }))
    for await (const chunk of sources[i]!.reports(plan.from, plan.end))
      for (const { path, into } of paths)
        for (const report of chunk) {
          const value = seriesValueAt(report, path)
          if (value !== undefined) into.add(report.time, value)
        }
  }
  return fields.map((field) => ({ field, buckets: sums.get(field)!.buckets() }))
}

/** One field's buckets over a plan while they are summed up: a slot per bucket. */
class SeriesSums {
  private readonly min: Float64Array
  private readonly max: Float64Array
  private readonly sum: Float64Array
  private readonly count: Float64Array
  private readonly last: Float64Array
  /** Receive time of each bucket's `last`: an earlier one (a clock stepped back) never replaces it. */
  private readonly lastTime: Float64Array

  constructor(private readonly plan: SeriesPlan) {
    const n = plan.buckets
    this.min = new Float64Array(n).fill(Infinity)
    this.max = new Float64Array(n).fill(-Infinity)
    this.sum = new Float64Array(n)
    this.count = new Float64Array(n)
    this.last = new Float64Array(n)
    this.lastTime = new Float64Array(n).fill(-Infinity)
  }

  /** One report's value, in the order they were stored. */
  add(time: number, value: number): void {
    const i = Math.floor((time - this.plan.from) / this.plan.bucketMs)
    if (i < 0 || i >= this.plan.buckets) return
    if (value < this.min[i]!) this.min[i] = value
    if (value > this.max[i]!) this.max[i] = value
    this.sum[i]! += value
    this.count[i]! += 1
    if (time >= this.lastTime[i]!) {
      this.last[i] = value
      this.lastTime[i] = time
    }
  }

  /**
   * A rollup's buckets (of a width that divides the plan's), oldest first; partitions come
   * oldest first, so each one's `last` replaces the one before.
   */
  addBuckets(b: FieldBuckets): void {
    const { from, end, bucketMs } = this.plan
    for (let j = firstAtOrAfter(b.t, from); j < b.t.length && b.t[j]! < end; j++) {
      const i = Math.floor((b.t[j]! - from) / bucketMs)
      if (b.min[j]! < this.min[i]!) this.min[i] = b.min[j]!
      if (b.max[j]! > this.max[i]!) this.max[i] = b.max[j]!
      this.sum[i]! += b.sum[j]!
      this.count[i]! += b.count[j]!
      this.last[i] = b.last[j]!
      this.lastTime[i] = b.t[j]!
    }
  }

  /** The buckets that hold a value, oldest first. */
  buckets(): SeriesBucket[] {
    const out: SeriesBucket[] = []
    const { from, bucketMs } = this.plan
    for (let i = 0; i < this.plan.buckets; i++) {
      const count = this.count[i]!
      if (count === 0) continue
      out.push({
        t: from + i * bucketMs,
        min: this.min[i]!,
        max: this.max[i]!,
        avg: this.sum[i]! / count,
        count,
        last: this.last[i]!
      })
    }
    return out
  }
}

function firstAtOrAfter(sorted: readonly number[], value: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! < value) lo = mid + 1
    else hi = mid
  }
  return lo
}
