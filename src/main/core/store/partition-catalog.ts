import { mkdir, rm, truncate } from 'node:fs/promises'
import { join } from 'node:path'

import Datastore from 'nedb-promises'

import type { DeviceSummary } from '../../../shared/api-types'
import type { StoredReport } from '../../../shared/ingest-protocol'
import type { Logger } from '../runtime/logger'
import { ActivePartition } from './active-partition'
import { ClosedPartitionReader } from './closed-partition-reader'
import { DeviceTally } from './device-tally'
import {
  listPartitionFiles,
  partitionFileName,
  partitionStart,
  scanPartitionFile
} from './partition-files'
import type { PartitionInfo, ReportQuery } from './partition-info'
import { ReportIds } from './report-ids'

export type { PartitionInfo, ReportQuery } from './partition-info'

export interface PartitionCatalogOptions {
  dir: string
  partitionMaxReports: number
  /** The active partition also closes once its file holds this many bytes; default below. */
  partitionMaxBytes?: number
  retentionDays: number
  retentionReports: number
  openPartitionCache: number
  logger: Logger
}

const DAY_MS = 86_400_000
const CATALOG_FILE = 'partitions.db'
/**
 * NeDB keeps the active partition whole in memory (several times its file size as JS objects)
 * and parses it whole at start-up, so the report count alone does not bound memory: 8,200
 * reports of 60 KB (the line limit allows 64 KiB) made a 347 MB file, 2.5-3 GB RSS and a start
 * that ran out of heap. 64 MiB of file keeps both well inside a default heap; typical small
 * reports (about 260 bytes) still reach the count limit first.
 */
export const DEFAULT_PARTITION_MAX_BYTES = 64 * 1024 * 1024

/**
 * The report store on disk: one NeDB datafile per partition. Only the active partition (the one
 * being written) lives in memory; it is closed when it holds `partitionMaxReports` reports, its
 * file reaches `partitionMaxBytes`, or the UTC day changes, which bounds both RSS and start-up time however much is stored. Closed
 * partitions are listed in a small catalog datastore with their time range and per-device counts,
 * and read on demand for history queries.
 *
 * Not safe for concurrent mutation: the ReportStore runs append() and applyRetention() one at a
 * time. find() may run alongside either; it works on a snapshot of the partition list.
 */
export class PartitionCatalog {
  private closed: PartitionInfo[] = []
  private active: ActivePartition | null = null
  /** The active partition's file after a failed write: reloaded from disk before the next one. */
  /**
   * After a failed write: the active partition's file, and the size to cut it back to (null
   * when its file was gone: then it is reloaded from whatever is on disk).
   */
  private recovery: { file: string; size: number | null } | null = null
  private readonly ids = new ReportIds()
  private readonly reader: ClosedPartitionReader

  private constructor(
    private readonly options: PartitionCatalogOptions,
    private readonly catalog: Datastore<PartitionInfo>
  ) {
    this.reader = new ClosedPartitionReader(options.dir, options.openPartitionCache)
  }

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
      if (present.has(entry.file)) entries.set(entry.file, withoutId(entry))
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
      this.active = await ActivePartition.open(dir, newest, onRecent)
    }
  }

  /**
   * Writes a batch to the active partition (one file append), and answers the reports as
   * stored: each with its `_id`, unique and in arrival order, which the live view and the
   * history API both carry, so a viewer can tell a report it already shows.
   */
  async append(reports: StoredReport[]): Promise<StoredReport[]> {
    const now = reports[0]?.time ?? 0
    await this.recover()
    const current = this.active
    if (
      current !== null &&
      (current.count >= this.options.partitionMaxReports ||
        current.fileBytes >= (this.options.partitionMaxBytes ?? DEFAULT_PARTITION_MAX_BYTES) ||
        utcDay(current.firstTime) !== utcDay(now))
    ) {
      await this.closeActive()
    }
    const active = (this.active ??= await this.createActive(now))
    const docs = reports.map((report) => ({ _id: this.ids.next(), ...report }))
    const sizeBefore = await active.fileSize()
    try {
      await active.append(docs)
      return docs
    } catch (error) {
      // NeDB has put the batch in memory although the file append failed: take it out again
      // (queries go on meanwhile), and cut the file back before the next write.
      await active.forget(docs.map((d) => d._id))
      this.recovery = { file: active.file, size: sizeBefore }
      throw error
    }
  }

  /**
   * After a failed append: it may have written part of its batch (a full disk takes what fits).
   * None of it was acked, so all of it goes: what is stored is exactly what was acked, and the
   * device's resend is not stored twice. Until this succeeds, every write fails. Also run before
   * the partition closes and when the store closes, so no path keeps the partial batch.
   */
  private async recover(): Promise<void> {
    if (this.recovery === null) return
    const { file, size } = this.recovery
    if (size !== null) await truncate(join(this.options.dir, file), size)
    else if (this.active?.file === file)
      this.active = await ActivePartition.open(this.options.dir, file)
    this.recovery = null
  }

  /** Finishes what a failed write left (see recover); a store closing with a full disk says so. */
  async close(): Promise<void> {
    try {
      await this.recover()
    } catch (error) {
      this.options.logger.error(
        { err: error, file: this.recovery?.file },
        'could not cut a failed write from its file: reports of it that were never acked may be kept'
      )
    }
  }

  private async createActive(now: number): Promise<ActivePartition> {
    const lastStart = this.closed.length > 0 ? partitionStart(this.closed.at(-1)!.file) : 0
    return ActivePartition.open(this.options.dir, partitionFileName(Math.max(now, lastStart + 1)))
  }

  private async closeActive(): Promise<void> {
    await this.recover()
    const active = this.active
    if (active === null) return
    const info = active.info()
    await this.catalog.insert(info)
    this.closed.push(info)
    this.active = null
    this.options.logger.debug({ file: info.file, reports: info.count }, 'closed partition')
  }

  /** Reports matching the query, newest first, across partitions, stopping at `limit`. */
  async find(query: ReportQuery): Promise<StoredReport[]> {
    // Snapshot first: a rollover or retention during the awaits below must not make this read a
    // partition twice or skip one.
    const active = this.active
    const closed = this.closed.slice()
    const results: StoredReport[] = []
    if (active !== null && active.matches(query)) {
      results.push(...(await active.find(selectorOf(query), query.limit)))
    }
    for (let i = closed.length - 1; i >= 0 && results.length < query.limit; i--) {
      results.push(...(await this.reader.find(closed[i]!, query, query.limit - results.length)))
    }
    return results
  }

  /**
   * Deletes the oldest closed partitions while they are older than the retention time or more
   * reports than the retention count are kept. An active partition from an earlier UTC day is
   * closed first, so a quiet console ages out its old reports too. The file goes before its
   * catalog entry: a crash in between leaves an entry without a file, which the next start drops.
   */
  async applyRetention(now: number): Promise<PartitionInfo[]> {
    if (
      this.active !== null &&
      this.active.count > 0 &&
      utcDay(this.active.info().to) < utcDay(now)
    ) {
      await this.closeActive()
    }
    const dropped: PartitionInfo[] = []
    let total = this.reportCount()
    while (this.closed.length > 0) {
      const oldest = this.closed[0]!
      const expired = oldest.to < now - this.options.retentionDays * DAY_MS
      if (!expired && total <= this.options.retentionReports) break
      this.closed = this.closed.slice(1)
      this.reader.forget(oldest.file)
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
    for (const d of this.active?.info().devices ?? []) tally.merge(d)
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

function selectorOf(query: ReportQuery): Record<string, unknown> {
  const selector: Record<string, unknown> = {}
  if (query.device !== undefined) selector.device = query.device
  if (query.since !== undefined || query.until !== undefined) {
    const time: Record<string, number> = {}
    if (query.since !== undefined) time.$gte = query.since
    if (query.until !== undefined) time.$lte = query.until
    selector.time = time
  }
  return selector
}

/** A copy without NeDB's `_id`, which is internal to the store. */
function withoutId<T extends object>(doc: T): T {
  const { _id: _ignored, ...rest } = doc as T & { _id?: unknown }
  return rest as T
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
