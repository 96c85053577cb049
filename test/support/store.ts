import { silentLogger } from '../../src/main/core/runtime/logger'
import { ReportStore, type ReportStoreOptions } from '../../src/main/core/store/report-store'
import type { StoredReport } from '../../src/shared/ingest-protocol'

export function openStore(
  dir: string,
  overrides: Partial<ReportStoreOptions> = {}
): Promise<ReportStore> {
  return ReportStore.open({
    dir,
    partitionMaxReports: 50_000,
    retentionDays: 30,
    retentionReports: 10_000_000,
    openPartitionCache: 1,
    logger: silentLogger(),
    ...overrides
  })
}

/** Submits a report and resolves when the store says it is durable. */
export function store(s: ReportStore, report: StoredReport): Promise<void> {
  return new Promise((resolve, reject) =>
    s.submit(report, (error) => (error ? reject(error) : resolve()))
  )
}

export function report(
  device: string,
  time: number,
  extra: Record<string, unknown> = {}
): StoredReport {
  return { device, time, identity: 'anonymous', ...extra }
}
