import type { DeviceSummary } from '../../../shared/api-types'
import { SERIES_LIMITS, type SeriesBody, type SeriesQuery } from '../../../shared/history-types'
import type { StoredReport } from '../../../shared/ingest-protocol'
import { DeviceTally } from '../persistence/device-tally'
import type { PartitionRollups } from '../persistence/partition-rollups'
import type { Filter } from '../persistence/query-filter'
import type {
  ActiveReportPartition,
  PartitionInfo,
  ReportPartitions
} from '../persistence/report-partitions'
import { DAY_MS } from '../persistence/utc-day'
import type { Logger } from '../runtime/logger'
import {
  overlaps,
  reportFilter,
  scanFilter,
  type ReportQuery,
  type ScanQuery
} from './partition-info'
import type { RollupLimits } from './partition-rollup'
import { ReportIds } from './report-ids'
import { RollupKeeper } from './rollup-keeper'
import { scanFieldPaths, type FieldPathsPart } from './scan-field-paths'
import { planSeries } from './series-plan'
import { readSeries, type SeriesSource } from './series-reader'

export type { PartitionInfo } from '../persistence/report-partitions'
export type { ReportQuery, ScanQuery } from './partition-info'

export interface PartitionCatalogOptions {
  /** Where the partitions are kept (persistence/: NeDB files, or another backend). */
  partitions: ReportPartitions
  partitionMaxReports: number
  /** The active partition also closes once it takes this many bytes; default below. */
  partitionMaxBytes?: number
  retentionDays: number
  retentionReports: number
  logger: Logger
  /**
   * Where closed partitions' rollups are kept (persistence/); without it a series reads every
   * closed partition's reports, and only the active partition has a rollup (in memory).
   */
  rollups?: PartitionRollups
  /** The bounds of one partition's rollup (DEFAULT_ROLLUP_LIMITS). */
  rollupLimits?: RollupLimits
}

/**
 * NeDB keeps the active partition whole in memory (several times its file size as JS objects)
 * and parses it whole at start-up, so the report count alone does not bound memory: 8,200
 * reports of 60 KB (the line limit allows 64 KiB) made a 347 MB file, 2.5-3 GB RSS and a start
 * that ran out of heap. 64 MiB of file keeps both well inside a default heap; typical small
 * reports (about 260 bytes) still reach the count limit first.
 */
export const DEFAULT_PARTITION_MAX_BYTES = 64 * 1024 * 1024

/**
 * The report store's partitions and the rules over them. Only the active partition (the one
 * being written) lives in memory; it is closed when it holds `partitionMaxReports` reports, takes
 * `partitionMaxBytes`, or the UTC day changes, which bounds both RSS and start-up time however
 * much is stored. Closed partitions are listed with their time range and per-device counts, and
 * read on demand for history queries. How partitions are kept is the backend's (ReportPartitions).
 *
 * Not safe for concurrent mutation: the ReportStore runs append() and applyRetention() one at a
 * time. find() may run alongside either; it works on a snapshot of the partition list.
 */
export class PartitionCatalog {
  private closed: PartitionInfo[] = []
  private active: ActiveReportPartition | null = null
  private readonly ids = new ReportIds()
  /** Per partition, per device, per numeric field: minute and hour buckets, for series. */
  readonly rollups: RollupKeeper

  private constructor(private readonly options: PartitionCatalogOptions) {
    this.rollups = new RollupKeeper({
      rollups: options.rollups,
      partitions: options.partitions,
      limits: options.rollupLimits,
      logger: options.logger,
      isClosed: (name) => this.closed.some((info) => info.file === name)
    })
  }

  /**
   * Opens the store's partitions. `onRecent` sees every report of the active partition and of
   * the newest closed one, which is what the dedup window is rebuilt from.
   */
  static async open(
    options: PartitionCatalogOptions,
    onRecent: (report: StoredReport) => void
  ): Promise<PartitionCatalog> {
    const self = new PartitionCatalog(options)
    const { closed, active } = await options.partitions.open(onRecent)
    self.closed = closed
    self.active = active
    await self.rollups.open(closed, active)
    return self
  }

  /**
   * Writes a batch to the active partition (one append), and answers the reports as stored:
   * each with its `_id`, unique and in arrival order, which the live view and the history API
   * both carry, so a viewer can tell a report it already shows.
   */
  async append(reports: StoredReport[]): Promise<StoredReport[]> {
    const now = reports[0]?.time ?? 0
    const current = this.active
    if (
      current !== null &&
      (current.count >= this.options.partitionMaxReports ||
        current.bytes >= (this.options.partitionMaxBytes ?? DEFAULT_PARTITION_MAX_BYTES) ||
        utcDay(current.from) !== utcDay(now))
    ) {
      await this.closeActive()
    }
    if (this.active === null) {
      this.active = await this.options.partitions.create(now)
      this.rollups.created(this.active)
    }
    const active = this.active
    const docs = reports.map((report) => ({ _id: this.ids.next(), ...report }))
    await active.append(docs)
    // Only once the append kept them: a failed batch is in no rollup, as in no partition.
    this.rollups.stored(docs)
    return docs
  }

  /** Finishes what a failed write left (see ActiveReportPartition.append); a store closing with a full disk says so. */
  async close(): Promise<void> {
    await this.rollups.stop()
    try {
      await this.options.partitions.end()
    } catch (error) {
      this.options.logger.error(
        { err: error, file: this.active?.name },
        'could not cut a failed write from its file: reports of it that were never acked may be kept'
      )
    }
  }

  private async closeActive(): Promise<void> {
    const active = this.active
    if (active === null) return
    const info = await this.options.partitions.close(active)
    this.closed.push(info)
    this.active = null
    this.options.logger.debug({ file: info.file, reports: info.count }, 'closed partition')
    await this.rollups.closed(info)
  }

  /** Reports matching the query, newest first, across partitions, stopping at `limit`. */
  async find(query: ReportQuery): Promise<StoredReport[]> {
    // Snapshot first: a rollover or retention during the awaits below must not make this read a
    // partition twice or skip one.
    const active = this.active
    const closed = this.closed.slice()
    const filter = reportFilter(query)
    const results: StoredReport[] = []
    if (active !== null && active.count > 0 && overlaps(active, query)) {
      results.push(...(await active.find(filter, query.limit)))
    }
    for (let i = closed.length - 1; i >= 0 && results.length < query.limit; i--) {
      const info = closed[i]!
      if (!overlaps(info, query)) continue
      if (query.device !== undefined && !info.devices.some((d) => d.id === query.device)) continue
      const limit = query.limit - results.length
      results.push(...(await this.options.partitions.find(info, filter, limit)))
    }
    return results
  }

  /**
   * Matching reports in the order they were stored, oldest first, a chunk at a time, read as they
   * are consumed: constant memory whatever the range. Reads the partitions there are when it
   * starts (a partition that closes meanwhile is read to its end; one made after is not: resume
   * with `after` the last id read). Partitions outside the range, without the devices, or whose
   * last id is not after `after`, are skipped unread.
   */
  async *scan(query: ScanQuery): AsyncGenerator<StoredReport[]> {
    const active = this.active
    const closed = this.closed.slice()
    const wanted = scanWants(query)
    for (const info of closed) {
      if (wanted(info)) yield* this.scanClosed(info, query)
    }
    if (active !== null && wanted(active.info())) yield* this.scanActive(active, query)
  }

  /**
   * The field paths of what a scan of `query` yields, for an export's columns: kept ones where
   * they cover a partition, its reports where not (see scanFieldPaths).
   */
  fieldPaths(query: ScanQuery): AsyncGenerator<FieldPathsPart> {
    return scanFieldPaths(
      {
        closed: this.closed.slice(),
        active: this.active,
        wanted: scanWants(query),
        inMemory: (partition) => this.rollups.inMemoryFieldPaths(partition),
        closedPaths: (info) => this.rollups.closedFieldPaths(info),
        scanClosed: (info) => this.scanClosed(info, query),
        scanActive: (active) => this.scanActive(active, query)
      },
      query
    )
  }

  private scanClosed(info: PartitionInfo, query: ScanQuery): AsyncIterable<StoredReport[]> {
    return this.options.partitions.scan(info, scanFilter(query), query.chunk ?? DEFAULT_SCAN_CHUNK)
  }

  private scanActive(
    active: ActiveReportPartition,
    query: ScanQuery
  ): AsyncIterable<StoredReport[]> {
    return scanActive(active, scanFilter(query), query.chunk ?? DEFAULT_SCAN_CHUNK)
  }

  /**
   * One device's numeric fields over a range, in buckets (see SeriesBody): from the rollups of
   * the partitions that overlap the range and hold the device, and from the reports of those
   * without a usable rollup or where the buckets are finer than a minute.
   */
  async series(query: SeriesQuery): Promise<SeriesBody> {
    const { device, fields, since, until } = query
    const plan = planSeries(since, until, query.points ?? SERIES_LIMITS.defaultPoints)
    if (plan === null) throw new RangeError('more buckets than points: check with planSeries')
    // Snapshot, as find() does: a rollover or retention meanwhile must not skip a partition.
    const active = this.active
    const range = { since: plan.from, until: plan.end - 1 }
    const sources: SeriesSource[] = []
    for (const info of this.closed) {
      if (!overlaps(info, range) || !info.devices.some((d) => d.id === device)) continue
      sources.push({
        rollup: (resolution) => this.rollups.closedBuckets(info, device, resolution),
        reports: (from, end) =>
          this.options.partitions.scan(info, seriesFilter(device, from, end), 2000)
      })
    }
    if (active !== null && overlaps(active, range) && this.rollups.activeHas(active.name, device)) {
      const name = active.name
      sources.push({
        rollup: async (resolution) => this.rollups.activeBuckets(name, device, resolution),
        reports: (from, end) => scanActive(active, seriesFilter(device, from, end), 2000)
      })
    }
    return {
      device,
      since,
      until,
      bucketMs: plan.bucketMs,
      series: await readSeries(plan, fields, sources)
    }
  }

  /**
   * At most how many reports a scan of `query` yields, from the catalog alone: the counts of
   * the partitions it would read (of its devices only, when it names them), before the filter
   * by time — an export's progress bar measures against it.
   */
  estimateScan(query: ScanQuery): number {
    const devices = query.devices === undefined ? undefined : new Set(query.devices)
    const partitions = this.active === null ? this.closed : [...this.closed, this.active.info()]
    let total = 0
    for (const info of partitions) {
      if (info.count === 0 || !overlaps(info, query)) continue
      if (devices === undefined) total += info.count
      else for (const d of info.devices) if (devices.has(d.id)) total += d.reports
    }
    return total
  }

  /** The id of the newest report stored, if its partition's catalog entry knows it. */
  newestId(): string | undefined {
    const active = this.active?.info()
    if (active !== undefined && active.count > 0) return active.lastId
    return this.closed.findLast((p) => p.count > 0)?.lastId
  }

  /** The id of the oldest report kept, if its partition's catalog entry knows it. */
  oldestId(): string | undefined {
    const oldest = this.closed.find((p) => p.count > 0)
    return oldest !== undefined ? oldest.firstId : this.active?.info().firstId
  }

  /**
   * Deletes the oldest closed partitions while they are older than the retention time or more
   * reports than the retention count are kept. An active partition from an earlier UTC day is
   * closed first, so a quiet console ages out its old reports too.
   */
  async applyRetention(now: number): Promise<PartitionInfo[]> {
    if (this.active !== null && this.active.count > 0 && utcDay(this.active.to) < utcDay(now)) {
      await this.closeActive()
    }
    const dropped: PartitionInfo[] = []
    let total = this.reportCount()
    while (this.closed.length > 0) {
      const oldest = this.closed[0]!
      const expired = oldest.to < now - this.options.retentionDays * DAY_MS
      if (!expired && total <= this.options.retentionReports) break
      this.closed = this.closed.slice(1)
      total -= oldest.count
      await this.options.partitions.delete(oldest)
      await this.rollups.deleted(oldest)
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

  bytesStored(): Promise<number> {
    return this.options.partitions.bytesStored()
  }
}

/** A device's reports received in [from, end). */
function seriesFilter(device: string, from: number, end: number): Filter<StoredReport> {
  return { device, time: { gte: from, lt: end } }
}

/** The active partition's matching reports in the order they were stored, a chunk at a time. */
async function* scanActive(
  active: ActiveReportPartition,
  filter: Filter<StoredReport>,
  chunk: number
): AsyncGenerator<StoredReport[]> {
  let after: string | undefined
  for (;;) {
    const reports = await active.scan(
      after === undefined ? filter : { ...filter, _id: { gt: after } },
      chunk
    )
    if (reports.length === 0) return
    yield reports
    after = reports.at(-1)!._id
  }
}

function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS)
}

const DEFAULT_SCAN_CHUNK = 1000

/** Whether a scan of `query` reads a partition: one that may hold a report it asks for. */
function scanWants(query: ScanQuery): (info: PartitionInfo) => boolean {
  const devices = query.devices === undefined ? undefined : new Set(query.devices)
  return (info) =>
    info.count > 0 &&
    overlaps(info, query) &&
    (devices === undefined || info.devices.some((d) => devices.has(d.id))) &&
    (query.after === undefined || info.lastId === undefined || info.lastId > query.after)
}
