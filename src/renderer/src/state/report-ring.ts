import type { StoredReport } from '../../../shared/ingest-protocol'

/**
 * The feed's reports: a fixed-size ring, so 100,000 rows cost one array and a new batch costs
 * only its own length, never a copy of the rest. Index 0 is the newest.
 */
export class ReportRing {
  private readonly items: Array<StoredReport | undefined>
  private start = 0
  private count = 0
  /** Reports ever pushed: lets a paused view keep its rows still while new ones arrive. */
  private pushed = 0

  constructor(readonly capacity: number) {
    this.items = new Array<StoredReport | undefined>(capacity)
  }

  get size(): number {
    return this.count
  }

  get total(): number {
    return this.pushed
  }

  /** Appends reports given oldest first, dropping the oldest kept ones beyond capacity. */
  push(reports: readonly StoredReport[]): void {
    for (const report of reports) {
      const end = (this.start + this.count) % this.capacity
      this.items[end] = report
      if (this.count < this.capacity) this.count++
      else this.start = (this.start + 1) % this.capacity
    }
    this.pushed += reports.length
  }

  /** The report `index` places from the newest (0 = newest), or undefined past the oldest. */
  at(index: number): StoredReport | undefined {
    if (index < 0 || index >= this.count) return undefined
    return this.items[(this.start + this.count - 1 - index) % this.capacity]
  }

  /** The newest `n` reports' ids, to tell which of a snapshot's reports are already here. */
  recentIds(n: number): Set<string> {
    const ids = new Set<string>()
    for (let i = 0; i < Math.min(n, this.count); i++) {
      const id = this.at(i)?._id
      if (id !== undefined) ids.add(id)
    }
    return ids
  }
}
