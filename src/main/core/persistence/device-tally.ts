import type { DeviceSummary } from '../../../shared/api-types'
import type { StoredReport } from '../../../shared/ingest-protocol'

/** Per-device counts and first/last receive times over a set of reports. */
export class DeviceTally {
  private readonly devices = new Map<string, DeviceSummary>()

  static from(summaries: Iterable<DeviceSummary>): DeviceTally {
    const tally = new DeviceTally()
    for (const s of summaries) tally.merge(s)
    return tally
  }

  add(report: StoredReport): void {
    const known = this.devices.get(report.device)
    if (known === undefined) {
      this.devices.set(report.device, {
        id: report.device,
        identity: report.identity,
        firstSeen: report.time,
        lastSeen: report.time,
        reports: 1
      })
      return
    }
    known.reports += 1
    if (report.time < known.firstSeen) known.firstSeen = report.time
    if (report.time >= known.lastSeen) {
      known.lastSeen = report.time
      known.identity = report.identity
    }
  }

  merge(summary: DeviceSummary): void {
    const known = this.devices.get(summary.id)
    if (known === undefined) {
      this.devices.set(summary.id, { ...summary })
      return
    }
    known.reports += summary.reports
    known.firstSeen = Math.min(known.firstSeen, summary.firstSeen)
    if (summary.lastSeen >= known.lastSeen) {
      known.lastSeen = summary.lastSeen
      known.identity = summary.identity
    }
  }

  get(id: string): DeviceSummary | undefined {
    return this.devices.get(id)
  }

  has(id: string): boolean {
    return this.devices.has(id)
  }

  get size(): number {
    return this.devices.size
  }

  ids(): IterableIterator<string> {
    return this.devices.keys()
  }

  list(): DeviceSummary[] {
    return [...this.devices.values()].map((d) => ({ ...d }))
  }
}
