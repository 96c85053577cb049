import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'

import Datastore from 'nedb-promises'

import type { DeviceSummary } from '../../../shared/api-types'
import type { StoredReport } from '../../../shared/ingest-protocol'
import type { Logger } from '../logger'
import { DeviceTally } from './device-tally'
import { ReportIds } from './report-ids'
import {
  listPartitionFiles,
  partitionFileName,
  partitionStart,
  scanPartitionFile
} from './partition-files'

/** What the catalog remembers of a closed partition, so it need not be opened to be skipped. */
export interface PartitionInfo {
  file: string
  from: number
  to: number
  count: number
  devices: DeviceSummary[]
}

export interface ReportQuery {
  device?: string
  since?: number
  until?: number
  limit: number
}

export interface PartitionCatalogOptions {
  dir: string
  partitionMaxReports: number
  retentionDays: number
  retentionReports: number
  openPartitionCache: number
  logger: Logger
}

type ReportDatastore = Datastore<StoredReport>

interface ActivePartition {
  file: string
  ds: ReportDatastore
  from: number
  to: number
  count: number
  tally: DeviceTally
}

const DAY_MS = 86_400_000
const CATALOG_FILE = 'partitions.db'

/**
 * The report store on disk: one NeDB datastore per partition. Only the active partition (the one
 * being written) lives in memory; it is closed when it holds `partitionMaxReports` reports or the
 * UTC day changes, which bounds both RSS and start-up time however much is stored. Closed
 * partitions are listed in a small catalog datastore with their time range and per-device
 * counts, and opened on demand (an LRU of `openPartitionCache`) for history queries.
 */
export class PartitionCatalog {
  private closed: PartitionInfo[] = []
  private active: ActivePartition | null = null
  private readonly openClosed = new Map<string, Promise<ReportDatastore>>()
  private readonly ids = new ReportIds()

  private constructor(
    private readonly options: PartitionCatalogOptions,
    private readonly catalog: Datastore<PartitionInfo>
  ) {}

  /**
   * Opens the store in `options.dir`. `onRecent` sees every report of the active partition and
   * of the newest closed one, which is what the dedup window is rebuilt from.
   */
  static async open(
    options: PartitionCatalogOptions,
    onRecent: (report: StoredReport) => void
  ): Promise<PartitionCatalog> {
    await mkdir(options.dir, { recursive: true })
    const catalogDs = Datastore.create({
      filename: join(options.dir, CATALOG_FILE)
    }) as Datastore<PartitionInfo>
    await catalogDs.load()
    const self = new PartitionCatalog(options, catalogDs)
    await self.load(onRecent)
    return self
  }

  private async load(onRecent: (report: StoredReport) => void): Promise<void> {
    const { dir, logger } = this.options
    const files = await listPartitionFiles(dir)
    const present = new Set(files)
    const entries = new Map<string, PartitionInfo>()
    for (const entry of await this.catalog.find({})) {
      if (present.has(entry.file)) entries.set(entry.file, stripId(entry))
      else await this.catalog.remove({ file: entry.file }, { multi: true })
    }
    const newest = files.at(-1)
    for (const file of files) {
      const known = entries.get(file)
      if (known !== undefined) {
        this.closed.push(known)
      } else if (file !== newest) {
        // Closed but never catalogued (a crash between closing and cataloguing): rebuild it.
        const info = await summarise(dir, file)
        await this.catalog.insert(info)
        this.closed.push(info)
        logger.warn({ file, reports: info.count }, 'rebuilt the catalog entry of a partition')
      }
    }
    this.closed.sort((a, b) => a.from - b.from)
    const previous = this.closed.at(-1)
    if (previous !== undefined) {
      for await (const report of scanPartitionFile(dir, previous.file)) onRecent(report)
    }
    if (newest !== undefined && !entries.has(newest)) {
      this.active = await this.openActive(newest, onRecent)
    }
  }

  private async openActive(
    file: string,
    onRecent: (report: StoredReport) => void
  ): Promise<ActivePartition> {
    const ds = Datastore.create({ filename: join(this.options.dir, file) }) as ReportDatastore
    await ds.load()
    const tally = new DeviceTally()
    let from = Infinity
    let to = -Infinity
    const docs = await ds.find({})
    for (const doc of docs) {
      tally.add(doc)
      onRecent(doc)
      if (doc.time < from) from = doc.time
      if (doc.time > to) to = doc.time
    }
    if (docs.length === 0) from = to = partitionStart(file)
    return { file, ds, from, to, count: docs.length, tally }
  }

  /** Writes a batch to the active partition (one file append) and returns the stored copies. */
  async append(reports: StoredReport[]): Promise<StoredReport[]> {
    const now = reports[0]?.time ?? Date.now()
    const active = this.active
    if (
      active !== null &&
      (active.count >= this.options.partitionMaxReports || utcDay(active.from) !== utcDay(now))
    ) {
      await this.closeActive()
    }
    this.active ??= await this.createActive(now)
    const target = this.active
    for (const report of reports) report._id = this.ids.next()
    const stored = await target.ds.insert(reports)
    for (const report of stored) {
      target.tally.add(report)
      if (report.time > target.to) target.to = report.time
      if (report.time < target.from) target.from = report.time
    }
    target.count += stored.length
    return stored
  }

  private async createActive(now: number): Promise<ActivePartition> {
    const lastStart = this.closed.length > 0 ? partitionStart(this.closed.at(-1)!.file) : 0
    const file = partitionFileName(Math.max(now, lastStart + 1))
    const ds = Datastore.create({ filename: join(this.options.dir, file) }) as ReportDatastore
    await ds.load()
    return { file, ds, from: now, to: now, count: 0, tally: new DeviceTally() }
  }

  private async closeActive(): Promise<void> {
    const active = this.active
    if (active === null) return
    const info: PartitionInfo = {
      file: active.file,
      from: active.from,
      to: active.to,
      count: active.count,
      devices: active.tally.list()
    }
    await this.catalog.insert(info)
    this.closed.push(info)
    this.active = null
    this.options.logger.debug({ file: info.file, reports: info.count }, 'closed partition')
  }

  /** Reports matching the query, newest first, across partitions, stopping at `limit`. */
  async find(query: ReportQuery): Promise<StoredReport[]> {
    const selector: Record<string, unknown> = {}
    if (query.device !== undefined) selector.device = query.device
    if (query.since !== undefined || query.until !== undefined) {
      const time: Record<string, number> = {}
      if (query.since !== undefined) time.$gte = query.since
      if (query.until !== undefined) time.$lte = query.until
      selector.time = time
    }
    const results: StoredReport[] = []
    const overlaps = (from: number, to: number): boolean =>
      (query.since === undefined || to >= query.since) &&
      (query.until === undefined || from <= query.until)

    const active = this.active
    if (active !== null && active.count > 0 && overlaps(active.from, active.to)) {
      results.push(...(await active.ds.find(selector).sort({ time: -1 }).limit(query.limit)))
    }
    for (let i = this.closed.length - 1; i >= 0 && results.length < query.limit; i--) {
      const info = this.closed[i]!
      if (!overlaps(info.from, info.to)) continue
      if (query.device !== undefined && !info.devices.some((d) => d.id === query.device)) continue
      const ds = await this.openForQuery(info.file)
      results.push(
        ...(await ds
          .find(selector)
          .sort({ time: -1 })
          .limit(query.limit - results.length))
      )
    }
    return results.map(stripInternalId)
  }

  private openForQuery(file: string): Promise<ReportDatastore> {
    const cached = this.openClosed.get(file)
    if (cached !== undefined) {
      this.openClosed.delete(file)
      this.openClosed.set(file, cached)
      return cached
    }
    const opening = (async () => {
      const ds = Datastore.create({ filename: join(this.options.dir, file) }) as ReportDatastore
      await ds.load()
      return ds
    })()
    if (this.options.openPartitionCache > 0) {
      this.openClosed.set(file, opening)
      opening.catch(() => this.openClosed.delete(file))
      while (this.openClosed.size > this.options.openPartitionCache) {
        this.openClosed.delete(this.openClosed.keys().next().value!)
      }
    }
    return opening
  }

  /**
   * Deletes the oldest closed partitions while they are older than the retention time or more
   * reports than the retention count are kept. The file goes first: a crash in between leaves a
   * catalog entry without a file, which the next start drops, never a file without an entry.
   */
  async applyRetention(now: number): Promise<PartitionInfo[]> {
    const dropped: PartitionInfo[] = []
    let total = this.reportCount()
    while (this.closed.length > 0) {
      const oldest = this.closed[0]!
      const expired = oldest.to < now - this.options.retentionDays * DAY_MS
      if (!expired && total <= this.options.retentionReports) break
      this.closed.shift()
      this.openClosed.delete(oldest.file)
      total -= oldest.count
      await rm(join(this.options.dir, oldest.file), { force: true })
      await this.catalog.remove({ file: oldest.file }, { multi: true })
      dropped.push(oldest)
      this.options.logger.info(
        { file: oldest.file, reports: oldest.count, expired },
        'retention: deleted partition'
      )
    }
    return dropped
  }

  /** Per-device counts over everything kept. */
  deviceSummaries(): DeviceSummary[] {
    const tally = DeviceTally.from(this.closed.flatMap((p) => p.devices))
    for (const d of this.active?.tally.list() ?? []) tally.merge(d)
    return tally.list()
  }

  reportCount(): number {
    return this.closed.reduce((sum, p) => sum + p.count, 0) + (this.active?.count ?? 0)
  }

  partitionCount(): number {
    return this.closed.length + (this.active === null ? 0 : 1)
  }
}

function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS)
}

function stripId(entry: PartitionInfo & { _id?: string }): PartitionInfo {
  const { _id: _ignored, ...info } = entry
  return info
}

function stripInternalId(report: StoredReport): StoredReport {
  const { _id: _ignored, ...rest } = report
  return rest as StoredReport
}

async function summarise(dir: string, file: string): Promise<PartitionInfo> {
  const tally = new DeviceTally()
  let from = Infinity
  let to = -Infinity
  let count = 0
  for await (const report of scanPartitionFile(dir, file)) {
    tally.add(report)
    count += 1
    if (report.time < from) from = report.time
    if (report.time > to) to = report.time
  }
  if (count === 0) from = to = partitionStart(file)
  return { file, from, to, count, devices: tally.list() }
}
