import type { FieldBuckets } from '../persistence/partition-rollups'

/**
 * One field's buckets of one width while a partition is written: parallel arrays of numbers
 * (V8 keeps them as unboxed doubles), appended to in receive order. A report lands in the last
 * bucket or a new one after it — a field lookup and five stores, no allocation — except after a
 * clock step backwards, when its bucket is found by binary search (and inserted if new).
 */
export class BucketRun {
  readonly t: number[] = []
  readonly min: number[] = []
  readonly max: number[] = []
  readonly sum: number[] = []
  readonly count: number[] = []
  readonly last: number[] = []
  /** Receive time of each bucket's `last`: a report received earlier never replaces it. */
  private readonly lastTime: number[] = []

  get length(): number {
    return this.t.length
  }

  /** Whether adding a value to the bucket starting at `start` needs a new bucket. */
  needsBucket(start: number): boolean {
    const i = this.t.length - 1
    if (i >= 0 && this.t[i] === start) return false
    if (i < 0 || this.t[i]! < start) return true
    return this.t[this.search(start)] !== start
  }

  /**
   * Adds a value received at `time` to the bucket starting at `start` (`time` rounded down to
   * this run's width, which the caller works out once for every field of a report); true if it
   * made a new bucket.
   */
  add(start: number, time: number, value: number): boolean {
    let i = this.t.length - 1
    if (i < 0 || this.t[i] !== start) {
      if (i < 0 || this.t[i]! < start) {
        this.push(start, time, value)
        return true
      }
      i = this.search(start)
      if (this.t[i] !== start) {
        this.insert(i, start, time, value)
        return true
      }
    }
    if (value < this.min[i]!) this.min[i] = value
    if (value > this.max[i]!) this.max[i] = value
    this.sum[i]! += value
    this.count[i]! += 1
    if (time >= this.lastTime[i]!) {
      this.last[i] = value
      this.lastTime[i] = time
    }
    return false
  }

  /** The buckets as kept data; they share this run's arrays (copy before changing either). */
  view(field: string, exact: boolean): FieldBuckets {
    const { t, min, max, sum, count, last } = this
    return { field, exact, t, min, max, sum, count, last }
  }

  /** The first index whose start is at or after `start`. */
  private search(start: number): number {
    let lo = 0
    let hi = this.t.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.t[mid]! < start) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  private push(start: number, time: number, value: number): void {
    this.t.push(start)
    this.min.push(value)
    this.max.push(value)
    this.sum.push(value)
    this.count.push(1)
    this.last.push(value)
    this.lastTime.push(time)
  }

  private insert(i: number, start: number, time: number, value: number): void {
    this.t.splice(i, 0, start)
    this.min.splice(i, 0, value)
    this.max.splice(i, 0, value)
    this.sum.splice(i, 0, value)
    this.count.splice(i, 0, 1)
    this.last.splice(i, 0, value)
    this.lastTime.splice(i, 0, time)
  }
}
