interface Waiter {
  resolve(): void
  reject(error: unknown): void
}

interface Wanted<S> {
  state: S
  waiters: Waiter[]
}

/**
 * Per key (an alarm's id), the state last asked for, written one write at a time: a write for a
 * key waits for the one before it, so a save and a remove of one id, asked for without waiting,
 * end as asked — removed. States asked for while a write of their key is under way are merged
 * into one write of the newest: a burst of changes costs two writes, not one each.
 */
export class LatestWrites<S> {
  private readonly wanted = new Map<string, Wanted<S>>()
  private readonly writing = new Map<string, Promise<void>>()

  constructor(private readonly write: (key: string, state: S) => Promise<void>) {}

  /**
   * Asks for `state` to be written for `key`; resolves once it (or a newer state of the key) is
   * written, rejects when that write fails. The first write of an idle key starts before this
   * returns.
   */
  set(key: string, state: S): Promise<void> {
    let wanted = this.wanted.get(key)
    if (wanted === undefined) this.wanted.set(key, (wanted = { state, waiters: [] }))
    else wanted.state = state
    const waiters = wanted.waiters
    const done = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }))
    if (!this.writing.has(key)) this.writing.set(key, this.drain(key))
    return done
  }

  private async drain(key: string): Promise<void> {
    for (let next = this.wanted.get(key); next !== undefined; next = this.wanted.get(key)) {
      this.wanted.delete(key)
      try {
        await this.write(key, next.state)
        for (const w of next.waiters) w.resolve()
      } catch (error) {
        for (const w of next.waiters) w.reject(error)
      }
    }
    this.writing.delete(key)
  }

  /** Resolves once every state asked for so far is written (or failed). */
  async flush(): Promise<void> {
    while (this.writing.size > 0) await Promise.all([...this.writing.values()])
  }
}
