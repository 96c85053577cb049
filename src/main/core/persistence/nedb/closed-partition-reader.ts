import type { StoredReport } from '../../../../shared/ingest-protocol'
import { compileFilter, type Filter } from '../query-filter'
import { scanPartitionFile } from './partition-files'

/**
 * Reads closed partitions for history queries. They are read straight from their NeDB datafiles
 * (insert-only: one report per line) rather than loaded into NeDB, because NeDB's load rewrites
 * the whole file: every query would write megabytes, and a load racing retention would bring a
 * just-deleted partition back. The newest-read partitions stay parsed in an LRU.
 */
export class ClosedPartitionReader {
  private readonly cache = new Map<string, Promise<StoredReport[] | null>>()

  constructor(
    private readonly dir: string,
    private readonly cacheSize: number
  ) {}

  /** Matching reports of one partition, newest first, at most `limit`. */
  async find(file: string, filter: Filter<StoredReport>, limit: number): Promise<StoredReport[]> {
    const reports = await this.read(file)
    const matches: StoredReport[] = []
    if (reports === null) return matches
    const matching = compileFilter(filter)
    for (const r of reports) {
      if (!matching(r)) continue
      matches.push(r)
      if (matches.length === limit) break
    }
    return matches
  }

  /** Drops a partition from the cache (retention deleted it). */
  forget(file: string): void {
    this.cache.delete(file)
  }

  private read(file: string): Promise<StoredReport[] | null> {
    const cached = this.cache.get(file)
    if (cached !== undefined) {
      this.cache.delete(file)
      this.cache.set(file, cached)
      return cached
    }
    const reading = this.load(file)
    if (this.cacheSize > 0) {
      this.cache.set(file, reading)
      while (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!)
    }
    return reading
  }

  /** All reports of the file, newest first; null when retention deleted it meanwhile. */
  private async load(file: string): Promise<StoredReport[] | null> {
    const reports: StoredReport[] = []
    try {
      for await (const report of scanPartitionFile(this.dir, file)) reports.push(report)
    } catch (error) {
      this.cache.delete(file)
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
    return reports.sort(newestFirst)
  }
}

/** By receive time, then by _id, which the store issues in arrival order. */
function newestFirst(a: StoredReport, b: StoredReport): number {
  if (a.time !== b.time) return b.time - a.time
  const ida = a._id ?? ''
  const idb = b._id ?? ''
  return ida < idb ? 1 : ida > idb ? -1 : 0
}
