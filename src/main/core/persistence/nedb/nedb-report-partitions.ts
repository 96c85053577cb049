import { mkdir, readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'

import type { StoredReport } from '../../../../shared/ingest-protocol'
import type { Logger } from '../../runtime/logger'
import { DeviceTally } from '../device-tally'
import { compileFilter, type Filter } from '../query-filter'
import type { ActiveReportPartition, PartitionInfo, ReportPartitions } from '../report-partitions'
import { ClosedPartitionReader } from './closed-partition-reader'
import { NedbActivePartition } from './nedb-active-partition'
import { NedbCollection } from './nedb-collection'
import {
  listPartitionFiles,
  partitionFileName,
  partitionStart,
  readPartitionFile,
  scanPartitionFile
} from './partition-files'
import { repairTornTails, type TornTail } from './torn-tail'

export interface NedbReportPartitionsOptions {
  dir: string
  /** Closed partitions kept parsed in memory for history queries (an LRU). */
  openPartitionCache: number
  logger: Logger
  /** Told of each data file whose torn last line was cut at open. */
  onRepair?: (torn: TornTail) => void
}

const CATALOG_FILE = 'partitions.db'

/**
 * Report partitions as NeDB datafiles in one dir: `reports-<start ms>.db` each, and a small
 * catalog datastore (`partitions.db`) of the closed ones. Only the active partition is loaded
 * into NeDB; closed ones are streamed from their files (see ClosedPartitionReader).
 */
export class NedbReportPartitions implements ReportPartitions {
  private catalog: NedbCollection<PartitionInfo> | null = null
  private active: NedbActivePartition | null = null
  /** The start of the newest partition named so far: a new one starts after it. */
  private lastStart = 0
  private readonly reader: ClosedPartitionReader

  constructor(private readonly options: NedbReportPartitionsOptions) {
    this.reader = new ClosedPartitionReader(options.dir, options.openPartitionCache)
  }

  async open(
    onRecent: (report: StoredReport) => void
  ): Promise<{ closed: PartitionInfo[]; active: ActiveReportPartition | null }> {
    const { dir, logger } = this.options
    await mkdir(dir, { recursive: true })
    // Before anything loads them: a file cut short by a crash or power cut is repaired.
    for (const torn of await repairTornTails([dir])) this.options.onRepair?.(torn)
    const catalog = await NedbCollection.open<PartitionInfo>(join(dir, CATALOG_FILE))
    this.catalog = catalog
    const files = await listPartitionFiles(dir)
    const present = new Set(files)
    const entries = new Map<string, PartitionInfo>()
    for (const entry of await catalog.find()) {
      if (present.has(entry.file)) entries.set(entry.file, entry)
      else await catalog.remove({ file: entry.file })
    }
    const closed: PartitionInfo[] = []
    const newest = files.at(-1)
    for (const file of files) {
      this.lastStart = Math.max(this.lastStart, partitionStart(file))
      const known = entries.get(file)
      if (known !== undefined) {
        closed.push(known)
      } else if (file !== newest) {
        // Closed but never catalogued (a crash between closing and cataloguing): rebuild it.
        const info = await summarise(dir, file)
        await catalog.insert(info)
        closed.push(info)
        logger.warn({ file, reports: info.count }, 'rebuilt the catalog entry of a partition')
      }
    }
    closed.sort((a, b) => a.from - b.from)
    const previous = closed.at(-1)
    if (previous !== undefined) {
      for await (const report of scanPartitionFile(dir, previous.file)) onRecent(report)
    }
    if (newest !== undefined && !entries.has(newest)) {
      this.active = await NedbActivePartition.open(dir, newest, onRecent)
    }
    return { closed, active: this.active }
  }

  async create(time: number): Promise<ActiveReportPartition> {
    this.lastStart = Math.max(time, this.lastStart + 1)
    this.active = await NedbActivePartition.open(
      this.options.dir,
      partitionFileName(this.lastStart)
    )
    return this.active
  }

  async close(partition: ActiveReportPartition): Promise<PartitionInfo> {
    const active = this.active
    if (active === null || partition !== active) throw new Error('not the active partition')
    await active.recover()
    const info = active.info()
    await this.catalog!.insert(info)
    this.active = null
    return info
  }

  find(info: PartitionInfo, filter: Filter<StoredReport>, limit: number): Promise<StoredReport[]> {
    return this.reader.find(info.file, filter, limit)
  }

  async *scan(
    info: PartitionInfo,
    filter: Filter<StoredReport>,
    chunk: number
  ): AsyncGenerator<StoredReport[]> {
    // The file holds reports in the order they were appended (NeDB rewrites a datafile in _id
    // order, which is that order too): streamed, never sorted, so a partition costs one chunk.
    const matching = compileFilter(filter)
    let reports: StoredReport[] = []
    try {
      for await (const read of readPartitionFile(this.options.dir, info.file)) {
        for (const report of read) {
          if (!matching(report)) continue
          reports.push(report)
          if (reports.length >= chunk) {
            yield reports
            reports = []
          }
        }
      }
    } catch (error) {
      // Retention deleted it while it was read: what it held is gone for every reader.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    if (reports.length > 0) yield reports
  }

  /** The file goes before its entry: a crash in between leaves an entry the next start drops. */
  async delete(info: PartitionInfo): Promise<void> {
    this.reader.forget(info.file)
    await rm(join(this.options.dir, info.file), { force: true })
    await this.catalog!.remove({ file: info.file })
  }

  async end(): Promise<void> {
    await this.active?.recover()
  }

  /** The bytes of the partition files and their catalog: what the reports take on disk. */
  async bytesStored(): Promise<number> {
    let total = 0
    for (const name of await readdir(this.options.dir)) {
      // Retention may delete a partition between the listing and its stat: it takes nothing now.
      const size = await stat(join(this.options.dir, name)).then(
        (s) => s.size,
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return 0
          throw error
        }
      )
      total += size
    }
    return total
  }
}

async function summarise(dir: string, file: string): Promise<PartitionInfo> {
  const tally = new DeviceTally()
  let from = Infinity
  let to = -Infinity
  let count = 0
  let firstId: string | undefined
  let lastId: string | undefined
  for await (const report of scanPartitionFile(dir, file)) {
    tally.add(report)
    count += 1
    const id = report._id
    if (id !== undefined && (firstId === undefined || id < firstId)) firstId = id
    if (id !== undefined && (lastId === undefined || id > lastId)) lastId = id
    if (report.time < from) from = report.time
    if (report.time > to) to = report.time
  }
  if (count === 0) from = to = partitionStart(file)
  return {
    file,
    from,
    to,
    count,
    devices: tally.list(),
    ...(firstId !== undefined && { firstId, lastId })
  }
}
