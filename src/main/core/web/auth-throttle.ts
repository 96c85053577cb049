/**
 * Counts failed key attempts per address and, past `maxFailures` within `windowMs`, refuses that
 * address until the window has passed: guessing keys becomes hopeless (192 bits anyway) and a
 * misconfigured client cannot flood the log. A success does not reset the count, so interleaving
 * good and bad keys gains nothing.
 */
export class AuthThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>()

  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now
  ) {}

  /** Seconds to wait when `address` is blocked now, else 0. */
  blockedFor(address: string): number {
    const entry = this.current(address)
    if (entry === undefined || entry.count < this.maxFailures) return 0
    return Math.ceil((entry.since + this.windowMs - this.now()) / 1000)
  }

  fail(address: string): void {
    const entry = this.current(address)
    if (entry === undefined) this.failures.set(address, { count: 1, since: this.now() })
    else entry.count += 1
    if (this.failures.size > 10_000) this.prune()
  }

  private current(address: string): { count: number; since: number } | undefined {
    const entry = this.failures.get(address)
    if (entry !== undefined && this.now() - entry.since >= this.windowMs) {
      this.failures.delete(address)
      return undefined
    }
    return entry
  }

  private prune(): void {
    for (const address of [...this.failures.keys()]) this.current(address)
  }
}
