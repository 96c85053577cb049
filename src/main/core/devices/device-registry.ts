import type { DeviceSummary } from '../../../shared/api-types'
import type { StoredReport } from '../../../shared/ingest-protocol'
import { DeviceTally } from '../store/device-tally'
import type { PartitionInfo } from '../store/partition-catalog'

/** The source of device facts: what the store has kept, and what it keeps and drops from now on. */
export interface DeviceSource {
  deviceSummaries(): DeviceSummary[]
  on(event: 'stored', listener: (reports: StoredReport[]) => void): unknown
  on(event: 'dropped', listener: (partitions: PartitionInfo[]) => void): unknown
}

/**
 * Every device with reports in the store: first and last receive time and how many reports are
 * kept. Seeded from the store's catalog at start, then kept current from the store's events, so
 * it only ever counts reports that are durable.
 */
export class DeviceRegistry {
  private tally: DeviceTally

  constructor(source: DeviceSource) {
    this.tally = DeviceTally.from(source.deviceSummaries())
    source.on('stored', (reports) => {
      for (const report of reports) this.tally.add(report)
    })
    // After retention, counts could be subtracted, but a device's firstSeen can only be found
    // again from what is kept: recount from the store's catalog (no partition is read).
    source.on('dropped', () => {
      this.tally = DeviceTally.from(source.deviceSummaries())
    })
  }

  list(): DeviceSummary[] {
    return this.tally.list().sort((a, b) => a.id.localeCompare(b.id))
  }

  get(id: string): DeviceSummary | undefined {
    const d = this.tally.get(id)
    return d === undefined ? undefined : { ...d }
  }

  get size(): number {
    return this.tally.size
  }
}
