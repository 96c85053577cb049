import type { AlarmFlood } from '../../../shared/alarm-types'

/**
 * EEMUA 191's alarm flood: more than `threshold` alarms raised within `windowMs`. It begins at
 * the raise that makes the count exceed the threshold and ends once the count in the (sliding)
 * window is back to the threshold or fewer.
 *
 * Memory does not grow with the raises. Whether the count exceeds the threshold only needs the
 * latest `threshold + 1` raises: it does exactly when the oldest of them is still in the window.
 * Those are kept in a ring (time and alarm), which also gives the first-out: when a flood
 * begins, the oldest of the ring is the first alarm raised within the window (an older raise
 * still in it would have made a flood already). Raises pushed out of the ring are only counted,
 * per sixtieth of the window, so `raisedInWindow` during a flood is exact up to `threshold + 1`
 * and, beyond, may count the raises of one sixtieth of the window too many.
 */
export class FloodDetector {
  private readonly capacity: number
  private readonly times: Float64Array
  private readonly alarms: (string | undefined)[]
  /** Where the next raise goes; when the ring is full, also where its oldest is. */
  private next = 0
  private held = 0
  private readonly older: BucketCounts
  private since: number | null = null
  private firstOut: string | null = null

  constructor(
    readonly threshold: number,
    readonly windowMs: number
  ) {
    this.capacity = Math.max(0, Math.floor(threshold)) + 1
    this.times = new Float64Array(this.capacity)
    this.alarms = new Array<string | undefined>(this.capacity)
    this.older = new BucketCounts(windowMs)
  }

  /** Counts a raise of `alarm` at `now`; true when this raise begins a flood. */
  record(alarm: string, now: number): boolean {
    // Kept in order even if the clock steps back, so the ring stays sorted by time.
    const time = this.held > 0 ? Math.max(now, this.timeAt(this.held - 1)) : now
    if (this.held === this.capacity) this.older.add(this.times[this.next]!)
    else this.held += 1
    this.times[this.next] = time
    this.alarms[this.next] = alarm
    this.next = (this.next + 1) % this.capacity
    if (this.since !== null || !this.exceeds(now)) return false
    this.since = now
    this.firstOut = this.alarms[this.oldestSlot()] ?? null
    return true
  }

  /** True when the flood ends at `now` (the window has slid past enough raises). */
  check(now: number): boolean {
    if (this.since === null || this.exceeds(now)) return false
    this.since = null
    this.firstOut = null
    return true
  }

  state(now: number): AlarmFlood {
    return {
      active: this.since !== null,
      since: this.since,
      raisedInWindow: this.raisedInWindow(now),
      threshold: this.threshold,
      windowMinutes: this.windowMs / 60_000,
      firstOut: this.firstOut
    }
  }

  /** Raise times held in memory: never more than `threshold + 1`. */
  retained(): number {
    return this.held
  }

  private raisedInWindow(now: number): number {
    const inRing = this.held - this.firstInWindow(now)
    // With the ring's oldest outside the window, every raise pushed out of it is older still.
    if (inRing < this.capacity) return inRing
    return inRing + this.older.inWindow(now)
  }

  private exceeds(now: number): boolean {
    return this.held === this.capacity && this.inWindow(this.timeAt(0), now)
  }

  private inWindow(time: number, now: number): boolean {
    return now - time < this.windowMs
  }

  /** The index (0 = oldest) of the oldest raise of the ring still in the window. */
  private firstInWindow(now: number): number {
    let low = 0
    let high = this.held
    while (low < high) {
      const middle = (low + high) >>> 1
      if (this.inWindow(this.timeAt(middle), now)) high = middle
      else low = middle + 1
    }
    return low
  }

  private oldestSlot(): number {
    return this.held === this.capacity ? this.next : 0
  }

  private timeAt(index: number): number {
    return this.times[(this.oldestSlot() + index) % this.capacity]!
  }
}

/** Counts of raise times per sixtieth of a window, for the last window and a little more. */
class BucketCounts {
  private static readonly slots = 64
  private readonly bucketMs: number
  // NaN: a slot that holds no bucket yet (equal to none, in no range).
  private readonly buckets = new Float64Array(BucketCounts.slots).fill(NaN)
  private readonly counts = new Float64Array(BucketCounts.slots)

  constructor(private readonly windowMs: number) {
    this.bucketMs = Math.max(1, Math.ceil(windowMs / 60))
  }

  add(time: number): void {
    const bucket = Math.floor(time / this.bucketMs)
    const slot = mod(bucket, BucketCounts.slots)
    if (this.buckets[slot] !== bucket) {
      this.buckets[slot] = bucket
      this.counts[slot] = 0
    }
    this.counts[slot]! += 1
  }

  /** The raises in buckets that overlap the window ending at `now`. */
  inWindow(now: number): number {
    const first = Math.floor((now - this.windowMs) / this.bucketMs)
    const last = Math.floor(now / this.bucketMs)
    let total = 0
    for (let slot = 0; slot < BucketCounts.slots; slot++) {
      const bucket = this.buckets[slot]!
      if (bucket >= first && bucket <= last) total += this.counts[slot]!
    }
    return total
  }
}

function mod(n: number, m: number): number {
  return ((n % m) + m) % m
}
