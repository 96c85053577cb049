/**
 * A data dir holding a month of history, for the series and export steps of `npm run bench`.
 * Devices cannot send reports with past receive times (the console stamps `time`), so the store
 * is written here, in this process, through the console's own ReportStore over the NeDB backend
 * — the same partitions (and rollups) a month of ingest would have left.
 *
 * What it holds, `reports` in all (2,000,000 by default), receive times spread over the last 30
 * days minus an hour (so retention by age keeps all of it):
 * - `press-1`, the device the steps ask about: 1 report a second over the last 24 h (86,400),
 *   and one every 30 s over the 29 days before (83,520);
 * - the rest from 60 other devices, evenly over the 30 days.
 * Each report carries `temp` (55 ± 1), `pressure`, `running` (a boolean) and `motor.rpm`.
 */
import { NedbBackend } from '../src/main/core/persistence/nedb/nedb-backend'
import { silentLogger } from '../src/main/core/runtime/logger'
import { ReportStore } from '../src/main/core/store/report-store'
import type { StoredReport } from '../src/shared/ingest-protocol'

export const HISTORY_DEVICE = 'press-1'
const DAY_MS = 86_400_000
const OTHER_DEVICES = 60

export interface HistoryStore {
  reports: number
  /** Receive time of the newest report: "now" for the queries. */
  newest: number
  oldest: number
  writeMs: number
}

/** One device's report at `time`, `i` its running count. */
function reportAt(device: string, time: number, i: number): StoredReport {
  const phase = (time / 600_000) * Math.PI
  return {
    device,
    seq: i,
    time,
    identity: 'anonymous',
    temp: +(55 + Math.sin(phase)).toFixed(2),
    pressure: +(4.2 + 0.3 * Math.cos(phase / 3)).toFixed(3),
    running: i % 97 !== 0,
    motor: { rpm: 1450 + (i % 50) }
  }
}

/** Every report of the month, oldest first: the press's and the others', merged by time. */
function* monthOfReports(total: number, now: number): Generator<StoredReport> {
  const start = now - 30 * DAY_MS + 3_600_000
  const lastDay = now - DAY_MS
  const pressTimes: number[] = []
  for (let t = start; t < lastDay; t += 30_000) pressTimes.push(t)
  for (let t = lastDay; t <= now; t += 1000) pressTimes.push(t)
  const others = Math.max(0, total - pressTimes.length)
  const step = (now - start) / Math.max(1, others)
  let press = 0
  for (let i = 0; i < others || press < pressTimes.length;) {
    const otherTime = i < others ? Math.floor(start + i * step) : Infinity
    if (press < pressTimes.length && pressTimes[press]! <= otherTime) {
      yield reportAt(HISTORY_DEVICE, pressTimes[press]!, press)
      press += 1
    } else {
      yield reportAt(`line-${i % OTHER_DEVICES}`, otherTime, Math.floor(i / OTHER_DEVICES))
      i += 1
    }
  }
}

/** Writes the month into `dataDir` (empty), as the console would have stored it. */
export async function writeHistoryStore(
  dataDir: string,
  total: number,
  now = Date.now()
): Promise<HistoryStore> {
  const logger = silentLogger()
  const backend = new NedbBackend({ dataDir, logger })
  // The store's clock follows the reports it has stored, as if it had stored them as they came:
  // retention at the real now (or at the newest report queued, ahead of the commits) closes each
  // partition of an earlier day after its first batch.
  let clock = now - 30 * DAY_MS
  const store = await ReportStore.open({
    partitions: backend.reportPartitions(),
    rollups: backend.partitionRollups(),
    now: () => clock,
    partitionMaxReports: 50_000,
    retentionDays: 30,
    retentionReports: 10_000_000,
    logger
  })
  store.on('stored', (reports: StoredReport[]) => {
    clock = Math.max(clock, reports.at(-1)?.time ?? clock)
  })
  const started = performance.now()
  let written = 0
  let oldest = Infinity
  let newest = 0
  let failed: Error | undefined
  for (const report of monthOfReports(total, now)) {
    oldest = Math.min(oldest, report.time)
    newest = Math.max(newest, report.time)
    store.submit(report, (error) => {
      if (error !== undefined) failed ??= error
    })
    written += 1
    // Let the commit loop run: the queue stays within its high-water mark, as ingest keeps it.
    if (store.saturated) await new Promise<void>((resolve) => store.once('drain', resolve))
  }
  await store.rollupsRebuilt()
  await store.close()
  if (failed !== undefined) throw failed
  return { reports: written, newest, oldest, writeMs: performance.now() - started }
}
