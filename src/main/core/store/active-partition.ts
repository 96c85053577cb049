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
    private readonly ds: ReportDatastore,
    private from: number,
    private to: number,
    private reportCount: number,
    private readonly tally: DeviceTally
  ) {}

  /** Loads (or creates) `dir/file`; `onReport` sees each report already in it. */
  static async open(
    dir: string,
    file: string,
    onReport: (report: StoredReport) => void = () => undefined
  ): Promise<ActivePartition> {
    const ds = Datastore.create({ filename: join(dir, file) }) as ReportDatastore
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
    return new ActivePartition(file, ds, from, to, docs.length, tally)
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
  }

  find(selector: Record<string, unknown>, limit: number): Promise<StoredReport[]> {
    // Reports of one packet share a receive time; _id (issued in arrival order) breaks the tie.
    return this.ds.find(selector).sort({ time: -1, _id: -1 }).limit(limit)
  }

  get count(): number {
    return this.reportCount
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
