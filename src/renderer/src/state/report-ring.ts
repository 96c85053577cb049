import type { StoredReport } from '../../../shared/ingest-protocol'

/**
 * The feed's reports: a fixed-size ring, so 100,000 rows cost one array and a new batch costs
 * only its own length, never a copy of the rest. Index 0 is the newest. Bounded in bytes too
 * (their JSON's length): 100,000 reports of 64 KB each would take the page down.
 */
export class ReportRing {
  private readonly items: Array<StoredReport | undefined>
  private readonly sizes: Uint32Array
  private start = 0
  private count = 0
  private bytes = 0
  /** Reports ever pushed: lets a paused view keep its rows still while new ones arrive. */
  private pushed = 0

  constructor(
    readonly capacity: number,
    readonly maxBytes = 200 * 1024 * 1024
  ) {
    this.items = new Array<StoredReport | undefined>(capacity)
    this.sizes = new Uint32Array(capacity)
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
      if (this.count === this.capacity) this.dropOldest()
      const end = (this.start + this.count) % this.capacity
      const size = JSON.stringify(report).length
      this.items[end] = report
      this.sizes[end] = size
      this.bytes += size
      this.count++
      while (this.bytes > this.maxBytes && this.count > 1) this.dropOldest()
    }
    this.pushed += reports.length
  }

  private dropOldest(): void {
    this.bytes -= this.sizes[this.start]!
    this.items[this.start] = undefined
    this.start = (this.start + 1) % this.capacity
    this.count--
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
