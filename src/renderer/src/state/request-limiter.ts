/** A request waiting its turn; `key` names what it fetches, so one is never asked twice at once. */
export interface LimitedRequest {
  key: string
  run: () => Promise<unknown>
}

/**
 * At most `limit` requests in flight for the whole Overview, whoever asks: scrolling past 500
 * tiles must not send 500 requests at once. Each asker says what it wants now (`want`), which
 * replaces what it wanted before: a tile scrolled out of sight is dropped before it is fetched.
 * Askers take turns, so one never starves another.
 */
export class RequestLimiter {
  private readonly waiting = new Map<string, LimitedRequest[]>()
  private readonly running = new Set<string>()
  private turn = 0

  constructor(readonly limit: number) {}

  get inFlight(): number {
    return this.running.size
  }

  want(asker: string, requests: readonly LimitedRequest[]): void {
    this.waiting.set(
      asker,
      requests.filter((r) => !this.running.has(r.key))
    )
    this.pump()
  }

  private pump(): void {
    while (this.running.size < this.limit) {
      const next = this.next()
      if (next === undefined) return
      this.running.add(next.key)
      void next
        .run()
        .catch(() => undefined) // the asker handles its own failures; the slot is freed either way
        .finally(() => {
          this.running.delete(next.key)
          this.pump()
        })
    }
  }

  /** The first waiting request of the next asker that has one, round the askers. */
  private next(): LimitedRequest | undefined {
    const askers = [...this.waiting.keys()]
    for (let i = 0; i < askers.length; i++) {
      const asker = askers[(this.turn + i) % askers.length]!
      const queue = this.waiting.get(asker)!
      while (queue.length > 0) {
        const request = queue.shift()!
        if (this.running.has(request.key)) continue
        this.turn = (this.turn + i + 1) % askers.length
        return request
      }
    }
    return undefined
  }
}
