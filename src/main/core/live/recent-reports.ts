import type { StoredReport } from '../../../shared/ingest-protocol'

/**
 * The newest reports already broadcast (or seeded from the store): what a snapshot shows. Kept
 * in one array trimmed only once it holds twice what is shown, so adding costs no copy per batch.
 */
export class RecentReports {
  private readonly reports: StoredReport[] = []

  constructor(private readonly shown: number) {}

  add(reports: readonly StoredReport[]): void {
    for (const r of reports) this.reports.push(r)
    const excess = this.reports.length - this.shown
    if (excess > this.shown) this.reports.splice(0, excess)
  }

  /** The newest `shown`, oldest first: a copy. */
  newest(): StoredReport[] {
    return this.reports.slice(-this.shown)
  }
}
