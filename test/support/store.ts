import { afterEach } from 'vitest'

import { NedbBackend } from '../../src/main/core/persistence/nedb/nedb-backend'
import { NedbReportPartitions } from '../../src/main/core/persistence/nedb/nedb-report-partitions'
import { silentLogger } from '../../src/main/core/runtime/logger'
import { ReportStore, type ReportStoreOptions } from '../../src/main/core/store/report-store'
import type { StoredReport } from '../../src/shared/ingest-protocol'
import { tempDirs } from './temp-dir'

/** A real report store whose partitions are NeDB files directly in `dir`. */
export function openStore(
  dir: string,
  overrides: Partial<ReportStoreOptions> = {}
): Promise<ReportStore> {
  return ReportStore.open({
    partitions: new NedbReportPartitions({ dir, openPartitionCache: 1, logger: silentLogger() }),
    partitionMaxReports: 50_000,
    retentionDays: 30,
    retentionReports: 10_000_000,
    logger: silentLogger(),
    ...overrides
  })
}

/** Real report stores for one spec file: each closed, and the dirs removed, after every test. */
export function reportStores(): {
  dirs: ReturnType<typeof tempDirs>
  open(dir: string, overrides?: Partial<ReportStoreOptions>): Promise<ReportStore>
} {
  const dirs = tempDirs()
  const opened: ReportStore[] = []
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()))
    await dirs.cleanup()
  })
  return {
    dirs,
    async open(dir, overrides) {
      const s = await openStore(dir, overrides)
      opened.push(s)
      return s
    }
  }
}

/**
 * A real store over a data dir, with the NeDB backend's partitions and rollups, as console.ts
 * builds it (close it yourself, or use reportStores).
 */
export function openBackendStore(
  dataDir: string,
  overrides: Partial<ReportStoreOptions> = {}
): Promise<ReportStore> {
  const backend = new NedbBackend({ dataDir, logger: overrides.logger })
  return ReportStore.open({
    partitions: backend.reportPartitions(),
    rollups: backend.partitionRollups(),
    partitionMaxReports: 50_000,
    retentionDays: 30,
    retentionReports: 10_000_000,
    logger: silentLogger(),
    ...overrides
  })
}

/** The real NeDB backend over `dataDir`, as the console builds it (without its logger). */
export function nedbBackend(dataDir: string): NedbBackend {
  return new NedbBackend({ dataDir })
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

/**
 * Stores `count` reports of about 500 bytes (10 devices, the last `count` ms up to now) straight
 * into a console's data dir, as ingest would have: a store large enough to export for a while.
 */
export async function fillDataDir(dataDir: string, count: number): Promise<void> {
  const s = await ReportStore.open({
    partitions: new NedbBackend({ dataDir, logger: silentLogger() }).reportPartitions(),
    partitionMaxReports: 50_000,
    retentionDays: 30,
    retentionReports: 10_000_000,
    logger: silentLogger()
  })
  const start = Date.now() - count
  const padding = 'x'.repeat(450)
  for (let i = 0; i < count; i++) {
    s.submit(
      { device: `d-${i % 10}`, seq: i, time: start + i, identity: 'anonymous', padding },
      () => undefined
    )
    if (s.saturated) await new Promise<void>((resolve) => s.once('drain', resolve))
  }
  await s.close()
}
