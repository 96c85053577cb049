import { stat, truncate } from 'node:fs/promises'
import { join } from 'node:path'

import Datastore from 'nedb-promises'

import type { StoredReport } from '../../../../shared/ingest-protocol'
import { DeviceTally } from '../device-tally'
import type { Condition, Filter } from '../query-filter'
import type { ActiveReportPartition, PartitionInfo } from '../report-partitions'
import { toNedbSelector } from './nedb-selector'
import { partitionStart } from './partition-files'
import { appendPlainLines } from './plain-line-append'

type ReportDatastore = Datastore<StoredReport>

/**
 * The partition being written: a NeDB datastore held in memory, with the running time range,
 * count and per-device tally that become its catalog entry when it closes.
 */
export class NedbActivePartition implements ActiveReportPartition {
  private ds!: ReportDatastore
  private first = 0
  private last = 0
  private reportCount = 0
  private firstId: string | undefined
  private lastId: string | undefined
  private tally = new DeviceTally()
  /**
   * Every report's _id in the order stored (= ascending): where a scan's cursor is found by
   * binary search. NeDB would sort every report after the cursor for each chunk, so a deep
   * catch-up cost the square of its length. The ids are NeDB's own strings: a pointer each.
   */
  private ids: string[] = []
  /**
   * Each report's receive time, in the same order. The console stamps reports as they come and
   * stores them in that order, so the times rise too: a scan of a time range then starts and ends
   * by binary search (a 15-minute chart of today's partition reads 15 minutes, not the day). A
   * clock set back breaks the order; `timesRise` is then false and scans walk from the cursor.
   */
  private times: number[] = []
  private timesRise = true
  /**
   * Each device's report ids, in the order stored (a pointer each, the strings of `ids`): a
   * device's newest reports (`GET /api/reports?device=`, and the latest one the alarm rules'
   * re-evaluation and previews read for every device) are then lookups by NeDB's _id index,
   * where NeDB scans and sorts the whole partition.
   */
  private byDevice = new Map<string, string[]>()
  /** The file's size: measured at load, then grown by what each append wrote. */
  private fileBytes = 0
  /** Bytes appended to the file since the last append began (lines and newlines). */
  private appended = 0
  /** After a failed append: the size to cut the file back to. Undefined when none failed. */
  private recovery: number | undefined = undefined

  private constructor(
    readonly name: string,
    private readonly path: string
  ) {}

  /** Loads (or creates) `dir/file`; `onReport` sees each report already in it. */
  static async open(
    dir: string,
    file: string,
    onReport: (report: StoredReport) => void = () => undefined
  ): Promise<NedbActivePartition> {
    const partition = new NedbActivePartition(file, join(dir, file))
    await partition.load(onReport)
    return partition
  }

  private async load(onReport: (report: StoredReport) => void): Promise<void> {
    const ds = Datastore.create({ filename: this.path }) as ReportDatastore
    // Appends count what they wrote, which keeps the file's size without a stat per append.
    appendPlainLines(ds, (bytes) => {
      this.appended += bytes
    })
    await ds.load()
    const tally = new DeviceTally()
    let from = Infinity
    let to = -Infinity
    let firstId: string | undefined
    let lastId: string | undefined
    const docs = await ds.find({})
    for (const doc of docs) {
      tally.add(doc)
      onReport(doc)
      if (doc.time < from) from = doc.time
      if (doc.time > to) to = doc.time
      const id = doc._id!
      if (firstId === undefined || id < firstId) firstId = id
      if (lastId === undefined || id > lastId) lastId = id
    }
    this.firstId = firstId
    this.lastId = lastId
    docs.sort((a, b) => (a._id! < b._id! ? -1 : 1))
    this.ids = docs.map((d) => d._id!)
    this.times = docs.map((d) => d.time)
    this.timesRise = this.times.every((t, i) => i === 0 || t >= this.times[i - 1]!)
    if (docs.length === 0) from = to = partitionStart(this.name)
    this.ds = ds
    this.tally = tally
    this.byDevice = idsByDevice(docs)
    this.first = from
    this.last = to
    this.reportCount = docs.length
    this.fileBytes = (await this.fileSize()) ?? 0
  }

  /** The file's size on disk now; null if the file is gone. */
  private async fileSize(): Promise<number | null> {
    try {
      return (await stat(this.path)).size
    } catch {
      return null
    }
  }

  /** One NeDB insert, one file append. */
  async append(reports: readonly StoredReport[]): Promise<void> {
    if (this.recovery !== undefined) await this.recover()
    const sizeBefore = this.fileBytes
    this.appended = 0
    try {
      await this.ds.insert(reports as StoredReport[])
    } catch (error) {
      // NeDB has put the batch in memory although the file append failed: take it out again
      // (queries go on meanwhile), and cut the file back before the next write.
      await this.forget(reports.map((r) => r._id!))
      this.recovery = sizeBefore
      throw error
    }
    for (const report of reports) {
      this.tally.add(report)
      if (report.time > this.last) this.last = report.time
      if (report.time < this.first) this.first = report.time
    }
    this.reportCount += reports.length
    const last = this.ids.at(-1)
    for (const report of reports) {
      if (report.time < (this.times.at(-1) ?? -Infinity)) this.timesRise = false
      this.ids.push(report._id!)
      this.times.push(report.time)
      addId(this.byDevice, report)
    }
    // The store issues ids in order; should one ever come earlier, the lists are sorted again.
    if (last !== undefined && reports.length > 0 && reports[0]!._id! < last) this.reorder()
    // The store issues ids in the order it appends: the batch's first and last are its bounds.
    this.firstId ??= reports[0]?._id
    this.lastId = reports.at(-1)?._id ?? this.lastId
    // Exact: the appends counted what they wrote, and nothing else writes this file meanwhile.
    this.fileBytes = sizeBefore + this.appended
  }

  /**
   * After a failed append: it may have written part of its batch (a full disk takes what fits).
   * None of it was acked, so all of it goes: what is stored is exactly what was acked, and the
   * device's resend is not stored twice. Until this succeeds, every write fails. Run before the
   * next append, before the partition closes and when the store closes, so no path keeps the
   * partial batch.
   */
  async recover(): Promise<void> {
    const size = this.recovery
    if (size === undefined) return
    // The file gone, or shorter than before the failed append (replaced under the store):
    // cutting would pad it with zeros, so the partition is loaded from whatever is there.
    const now = await this.fileSize()
    if (now !== null && now >= size) await truncate(this.path, size)
    else await this.load(() => undefined)
    this.recovery = undefined
  }

  /**
   * Takes documents of a failed append out of memory again. NeDB changes its memory before it
   * writes, so this works on a full disk too; the record of it that reaches the file (if any)
   * goes with the cut-back of the file.
   */
  /** Puts the id and time lists back in id order (never expected: the store issues ids in order). */
  private reorder(): void {
    const order = this.ids.map((id, i) => [id, this.times[i]!] as const)
    order.sort((a, b) => (a[0] < b[0] ? -1 : 1))
    this.ids = order.map(([id]) => id)
    this.times = order.map(([, time]) => time)
    for (const ids of this.byDevice.values()) ids.sort()
    this.timesRise = this.times.every((t, i) => i === 0 || t >= this.times[i - 1]!)
  }

  private async forget(ids: string[]): Promise<void> {
    await this.ds.remove({ _id: { $in: ids } }, { multi: true }).catch(() => undefined)
  }

  async find(filter: Filter<StoredReport>, limit: number): Promise<StoredReport[]> {
    const { device } = filter as { device?: unknown }
    if (typeof device === 'string') {
      const ids = this.byDevice.get(device)
      // None of its reports here: nothing to scan for.
      if (ids === undefined || limit <= 0) return []
      // Its newest by _id are its newest by time while times rise with the ids.
      if (this.timesRise && Object.keys(filter).length === 1) {
        const newest = ids.slice(-limit)
        const found = await this.ds.find({ _id: { $in: newest } })
        if (found.length === newest.length) return found.sort((a, b) => (a._id! < b._id! ? 1 : -1))
        // Some gone after all (a failed append taken back): the long way below.
      }
    }
    // Reports of one packet share a receive time; _id (issued in arrival order) breaks the tie.
    return this.ds.find(toNedbSelector(filter)).sort({ time: -1, _id: -1 }).limit(limit)
  }

  /**
   * The ids after the cursor are taken from the ordered list a slice at a time and looked up by
   * NeDB's _id index (`$in`), the rest of the filter tested by NeDB: a chunk costs the ids it
   * walks, not the whole partition after the cursor.
   */
  async scan(filter: Filter<StoredReport>, limit: number): Promise<StoredReport[]> {
    // The cursor (scanFilter's `_id: { gt }`) is found in the ids; the rest is NeDB's to test.
    const { _id: idCondition, ...rest } = filter as Filter<StoredReport> & {
      _id?: Condition<string>
    }
    const selector = toNedbSelector(rest)
    const idBounds = (
      toNedbSelector({ _id: idCondition } as Filter<StoredReport>) as { _id?: object }
    )._id
    let start = 0
    if (typeof idCondition === 'object' && idCondition !== null && !('in' in idCondition)) {
      if (idCondition.gt !== undefined) start = firstAbove(this.ids, idCondition.gt, false)
      else if (idCondition.gte !== undefined) start = firstAbove(this.ids, idCondition.gte, true)
    } else if (idCondition !== undefined) {
      // One id or a list: NeDB's index answers it directly.
      const found = await this.ds.find(toNedbSelector(filter))
      return found.sort((a, b) => (a._id! < b._id! ? -1 : 1)).slice(0, limit)
    }
    let end = this.ids.length
    const time = (rest as { time?: Condition<number> }).time
    if (this.timesRise && typeof time === 'object' && time !== null && !('in' in time)) {
      if (time.gte !== undefined) start = Math.max(start, firstAbove(this.times, time.gte, true))
      if (time.gt !== undefined) start = Math.max(start, firstAbove(this.times, time.gt, false))
      if (time.lte !== undefined) end = firstAbove(this.times, time.lte, false)
      if (time.lt !== undefined) end = Math.min(end, firstAbove(this.times, time.lt, true))
    }
    const slice = Math.max(limit, 256)
    const found: StoredReport[] = []
    for (let at = start; at < end && found.length < limit; at += slice) {
      const ids = this.ids.slice(at, Math.min(end, at + slice))
      const docs = await this.ds.find({ ...selector, _id: { ...idBounds, $in: ids } })
      docs.sort((a, b) => (a._id! < b._id! ? -1 : 1))
      for (const doc of docs) {
        if (found.length === limit) break
        found.push(doc)
      }
    }
    return found
  }

  get count(): number {
    return this.reportCount
  }

  /** Size of its file after the last append (or at load). */
  get bytes(): number {
    return this.fileBytes
  }

  get from(): number {
    return this.first
  }

  get to(): number {
    return this.last
  }

  /** What the catalog keeps once this partition is closed. */
  info(): PartitionInfo {
    return {
      file: this.name,
      from: this.first,
      to: this.last,
      count: this.reportCount,
      devices: this.tally.list(),
      ...(this.firstId !== undefined && { firstId: this.firstId, lastId: this.lastId })
    }
  }
}

/**
 * The index of the first value above `bound` (or equal to it, with `orEqual`) in a rising list: a
 * binary search.
 */
function firstAbove<V extends string | number>(
  ids: readonly V[],
  bound: V,
  orEqual: boolean
): number {
  let low = 0
  let high = ids.length
  while (low < high) {
    const mid = (low + high) >>> 1
    const id = ids[mid]!
    if (id < bound || (!orEqual && id === bound)) low = mid + 1
    else high = mid
  }
  return low
}

/** Each device's report ids, in id order, of `docs` sorted by id. */
function idsByDevice(docs: readonly StoredReport[]): Map<string, string[]> {
  const byDevice = new Map<string, string[]>()
  for (const doc of docs) addId(byDevice, doc)
  return byDevice
}

/** Adds `report`'s id after its device's others. */
function addId(byDevice: Map<string, string[]>, report: StoredReport): void {
  const ids = byDevice.get(report.device)
  if (ids === undefined) byDevice.set(report.device, [report._id!])
  else ids.push(report._id!)
}
