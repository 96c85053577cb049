/**
 * How many reports a viewer may be sent now: a token bucket that refills at the rate that
 * applies and holds at most `burst`. One for all viewers, since every batch is one broadcast.
 */
export class RateAllowance {
  private tokens: number
  private lastAt = -Infinity

  constructor(private readonly burst: number) {
    this.tokens = burst
  }

  /**
   * Of `count` reports offered at `now`, how many may go, at `perSecond`: at least one, so the
   * newest is always shown. The clock may step either way: a refill covers at most a minute.
   */
  take(count: number, now: number, perSecond: number): number {
    const sinceMs = Math.min(Math.max(0, now - this.lastAt), 60_000)
    this.tokens = Math.min(this.burst, this.tokens + (sinceMs * perSecond) / 1000)
    this.lastAt = now
    const taken = Math.min(count, Math.max(1, Math.floor(this.tokens)))
    this.tokens -= taken
    return taken
  }
}
