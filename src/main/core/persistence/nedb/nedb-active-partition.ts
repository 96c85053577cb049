import { stat } from 'node:fs/promises'
import { join } from 'node:path'

import Datastore from 'nedb-promises'

import type { StoredReport } from '../../../shared/ingest-protocol'
import { DeviceTally } from './device-tally'
import { overlaps, type PartitionInfo, type ReportQuery } from './partition-info'
import { partitionStart } from './partition-files'

type ReportDatastore = Datastore<StoredReport>

/**
 * The partition being written: a NeDB datastore held in memory, with the running time range,
 * count and per-device tally that become its catalog entry when it closes.
 */
export class ActivePartition {
  private constructor(
    readonly file: string,
    private readonly path: string,
    private readonly ds: ReportDatastore,
    private from: number,
    private to: number,
    private reportCount: number,
    private readonly tally: DeviceTally,
    private bytes: number
  ) {}

  /** Loads (or creates) `dir/file`; `onReport` sees each report already in it. */
  static async open(
    dir: string,
    file: string,
    onReport: (report: StoredReport) => void = () => undefined
  ): Promise<ActivePartition> {
    const path = join(dir, file)
    const ds = Datastore.create({ filename: path }) as ReportDatastore
    await ds.load()
    const tally = new DeviceTally()
    let from = Infinity
    let to = -Infinity
    const docs = await ds.find({})
    for (const doc of docs) {
      tally.add(doc)
      onReport(doc)
      if (doc.time < from) from = doc.time
      if (doc.time > to) to = doc.time
    }
    if (docs.length === 0) from = to = partitionStart(file)
    const bytes = (await stat(path).catch(() => null))?.size ?? 0
    return new ActivePartition(file, path, ds, from, to, docs.length, tally, bytes)
  }

  /** The file's size now: where to cut it back to if the next append fails half-way; null if the file is gone. */
  async fileSize(): Promise<number | null> {
    try {
      return (await stat(this.path)).size
    } catch {
      return null
    }
  }

  /** One NeDB insert, one file append. */
  async append(reports: StoredReport[]): Promise<void> {
    await this.ds.insert(reports)
    for (const report of reports) {
      this.tally.add(report)
      if (report.time > this.to) this.to = report.time
      if (report.time < this.from) this.from = report.time
    }
    this.reportCount += reports.length
    // One stat per group commit: cheap next to the append, and exact however large the reports.
    this.bytes = (await this.fileSize()) ?? this.bytes
  }

  /**
   * Takes documents of a failed append out of memory again. NeDB changes its memory before it
   * writes, so this works on a full disk too; the record of it that reaches the file (if any)
   * goes with the cut-back of the file.
   */
  async forget(ids: string[]): Promise<void> {
    await this.ds.remove({ _id: { $in: ids } }, { multi: true }).catch(() => undefined)
  }

  find(selector: Record<string, unknown>, limit: number): Promise<StoredReport[]> {
    // Reports of one packet share a receive time; _id (issued in arrival order) breaks the tie.
    return this.ds.find(selector).sort({ time: -1, _id: -1 }).limit(limit)
  }

  get count(): number {
    return this.reportCount
  }

  /** Size of its file after the last append (or at load). */
  get fileBytes(): number {
    return this.bytes
  }

  get firstTime(): number {
    return this.from
  }

  /** True when it holds reports and its time range can match the query's. */
  matches(query: Pick<ReportQuery, 'since' | 'until'>): boolean {
    return this.reportCount > 0 && overlaps({ from: this.from, to: this.to }, query)
  }

  /** What the catalog keeps once this partition is closed. */
  info(): PartitionInfo {
    return {
      file: this.file,
      from: this.from,
      to: this.to,
      count: this.reportCount,
      devices: this.tally.list()
    }
  }
}
