/**
 * Whether a device is online, from when its reports arrive: online while it keeps reporting,
 * offline once nothing came for `offlineAfter` — a fixed time if configured, else three times
 * the device's usual interval (a moving average of the gaps between its reports), and never less
 * than `minOfflineAfterMs`. Also counts its reports of the last 60 seconds.
 */
export class DeviceLiveness {
  online = false
  private lastTime = -Infinity
  private intervalMs: number | null = null
  // Reports per second of the last minute, in a ring indexed by the second, up to the newest
  // second counted. One small array: a console may hold 100,000 of these (two typed arrays
  // cost 1.5 KB of RSS a device; this one about a third of that).
  private readonly counts = new Uint32Array(60)
  private countedSecond = -Infinity

  constructor(
    private readonly minOfflineAfterMs: number,
    private readonly fixedOfflineAfterMs?: number
  ) {}

  /** Records a report received at `time`; true when this brings the device online. */
  seen(time: number): boolean {
    const gap = time - this.lastTime
    // Reports of one packet share a millisecond: a burst says nothing about the usual interval.
    if (gap > 0 && Number.isFinite(gap))
      this.intervalMs = this.intervalMs === null ? gap : this.intervalMs * 0.8 + gap * 0.2
    if (time > this.lastTime) this.lastTime = time
    const second = Math.floor(time / 1000)
    if (second > this.countedSecond) {
      // The slots of the seconds since the last one counted hold counts a minute old: cleared.
      for (let s = Math.max(this.countedSecond + 1, second - 59); s <= second; s++)
        this.counts[slotOf(s)] = 0
      this.countedSecond = second
    }
    if (this.countedSecond - second < 60) this.counts[slotOf(second)]! += 1
    const cameOnline = !this.online
    this.online = true
    return cameOnline
  }

  /** True when this check takes the device offline. */
  check(now: number): boolean {
    if (!this.online || now - this.lastTime <= this.offlineAfterMs()) return false
    this.online = false
    return true
  }

  offlineAfterMs(): number {
    if (this.fixedOfflineAfterMs !== undefined) return this.fixedOfflineAfterMs
    return Math.max(this.minOfflineAfterMs, 3 * (this.intervalMs ?? 0))
  }

  reportsPerMinute(now: number): number {
    const current = Math.floor(now / 1000)
    let total = 0
    for (let s = Math.max(this.countedSecond - 59, current - 59); s <= this.countedSecond; s++)
      total += this.counts[slotOf(s)]!
    return total
  }
}

function slotOf(second: number): number {
  return ((second % 60) + 60) % 60
}
