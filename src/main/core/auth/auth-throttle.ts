import { RateLimitedLog } from '../runtime/log-rate-limit'
import type { Logger } from '../runtime/logger'

/** Where a key was presented, for the log line. */
export type KeyDoor = 'http' | 'live' | 'push' | 'stream' | 'mqtt'

/**
 * Counts failed key attempts per address and, past `maxFailures` within `windowMs`, refuses that
 * address until the window has passed: guessing keys becomes hopeless (192 bits anyway) and a
 * misconfigured client cannot flood the log. A success does not reset the count, so interleaving
 * good and bad keys gains nothing. With a logger, failures are logged: the first from an address
 * at once, the rest of its minute as one summary line.
 */
export class AuthThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>()
  private readonly log: RateLimitedLog | null

  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
    logger?: Logger
  ) {
    this.log =
      logger === undefined
        ? null
        : new RateLimitedLog({
            logger,
            level: 'warn',
            intervalMs: 60_000,
            burst: 1,
            summary: (count, seconds, address) =>
              `${count} more wrong keys from ${address} in the last ${seconds} s`,
            now
          })
  }

  /** Seconds to wait when `address` is blocked now, else 0. */
  blockedFor(address: string): number {
    const entry = this.current(address)
    if (entry === undefined || entry.count < this.maxFailures) return 0
    return Math.ceil((entry.since + this.windowMs - this.now()) / 1000)
  }

  fail(address: string, door?: KeyDoor): void {
    const entry = this.current(address)
    if (entry === undefined) this.failures.set(address, { count: 1, since: this.now() })
    else entry.count += 1
    if (this.failures.size > 10_000) this.prune()
    // The address and where, never what was presented: a near-miss key is nearly the key.
    this.log?.log(address, { address, door }, `wrong key from ${address}`)
  }

  /** Logs what the log still holds back. */
  stop(): void {
    this.log?.stop()
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
