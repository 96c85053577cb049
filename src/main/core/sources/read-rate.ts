/** Seconds counted: `perSecond()` is the mean over this window. */
const WINDOW_S = 60

/**
 * Readings per second over the last minute — or since it was made, when that is less, so a
 * source started ten seconds ago at 5 a second reads 5, not 0.8 — in 60 one-second buckets:
 * constant memory however fast a source reads (a ring of timestamps would hold 600 a minute at
 * 100 ms).
 */
export class ReadRate {
  private readonly counts = new Array<number>(WINDOW_S).fill(0)
  /** The second (epoch s) each bucket counts, so a stale one reads as empty. */
  private readonly seconds = new Array<number>(WINDOW_S).fill(-1)

  private readonly started: number

  constructor(private readonly now: () => number) {
    this.started = now()
  }

  record(): void {
    const second = Math.floor(this.now() / 1000)
    const slot = second % WINDOW_S
    if (this.seconds[slot] !== second) {
      this.seconds[slot] = second
      this.counts[slot] = 0
    }
    this.counts[slot]!++
  }

  /**
   * Readings of the last 60 seconds (this one included), per second of that minute or of the
   * time since it was made (at least a second), to 2 decimals.
   */
  perSecond(): number {
    const second = Math.floor(this.now() / 1000)
    let total = 0
    for (let slot = 0; slot < WINDOW_S; slot++) {
      const at = this.seconds[slot]!
      if (at > second - WINDOW_S && at <= second) total += this.counts[slot]!
    }
    const seconds = Math.min(WINDOW_S, Math.max(1, (this.now() - this.started) / 1000))
    return Math.round((total / seconds) * 100) / 100
  }
}
