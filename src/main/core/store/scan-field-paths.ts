import type { StoredReport } from '../../../shared/ingest-protocol'
import type { PartitionFieldPaths } from '../persistence/partition-rollups'
import type { ActiveReportPartition, PartitionInfo } from '../persistence/report-partitions'
import { orderedFieldPaths } from './field-path-order'
import type { ScanQuery } from './partition-info'

/**
 * What an export's first pass reads of one partition: the field paths its rollup keeps, when
 * it lies wholly in the range and they are all kept; else its reports in the range, to take the
 * paths from.
 */
export type FieldPathsPart =
  | { paths: string[][]; /** the reports of the range they stand for */ count: number }
  | { reports: StoredReport[] }

/** The partitions a first pass reads, as the catalog holds them when it starts. */
export interface FieldPathsSource {
  closed: readonly PartitionInfo[]
  active: ActiveReportPartition | null
  /** The partitions a scan of the query reads, in order (the catalog's choice). */
  wanted(info: PartitionInfo): boolean
  inMemory(partition: string): PartitionFieldPaths | undefined
  closedPaths(info: PartitionInfo): Promise<PartitionFieldPaths | undefined>
  scanClosed(info: PartitionInfo): AsyncIterable<StoredReport[]>
  scanActive(active: ActiveReportPartition): AsyncIterable<StoredReport[]>
}

/**
 * The field paths of what a scan of `query` yields, partition by partition, oldest first, so
 * that an export of a month knows its columns from a few small reads instead of reading its
 * millions of reports twice. The active partition's paths are taken when this starts (with
 * the newest id the export stops at), before anything is awaited.
 */
export async function* scanFieldPaths(
  source: FieldPathsSource,
  query: ScanQuery
): AsyncGenerator<FieldPathsPart> {
  const devices = query.devices === undefined ? undefined : new Set(query.devices)
  const whole = (info: PartitionInfo): boolean =>
    query.after === undefined &&
    (query.since === undefined || info.from >= query.since) &&
    (query.until === undefined || info.to <= query.until)
  const pathsOf = (
    info: PartitionInfo,
    kept: PartitionFieldPaths | undefined
  ): { paths: string[][]; count: number } | undefined => {
    if (kept === undefined || !whole(info)) return undefined
    const chosen = info.devices.filter((d) => devices === undefined || devices.has(d.id))
    const paths = orderedFieldPaths(
      kept,
      chosen.map((d) => d.id)
    )
    if (paths === undefined) return undefined
    return { paths, count: chosen.reduce((sum, d) => sum + d.reports, 0) }
  }
  // The active partition, taken now: null when the scan does not read it.
  const active =
    source.active !== null && source.wanted(source.active.info()) ? source.active : null
  const activePaths =
    active === null ? undefined : pathsOf(active.info(), source.inMemory(active.name))
  for (const info of source.closed) {
    if (!source.wanted(info)) continue
    const paths = pathsOf(info, await source.closedPaths(info))
    if (paths !== undefined) yield paths
    else for await (const reports of source.scanClosed(info)) yield { reports }
  }
  if (active === null) return
  if (activePaths !== undefined) yield activePaths
  else for await (const reports of source.scanActive(active)) yield { reports }
}
