import type { StoredReport } from '../../../shared/ingest-protocol'
import type { Filter } from '../persistence/query-filter'
import type { PartitionInfo } from '../persistence/report-partitions'

export type { PartitionInfo } from '../persistence/report-partitions'

export interface ReportQuery {
  device?: string
  since?: number
  until?: number
  limit: number
}

/** The reports a query asks for, as the one filter every partition is read with. */
export function reportFilter(query: ReportQuery): Filter<StoredReport> {
  const filter: { device?: string; time?: { gte?: number; lte?: number } } = {}
  if (query.device !== undefined) filter.device = query.device
  if (query.since !== undefined || query.until !== undefined)
    filter.time = { gte: query.since, lte: query.until }
  return filter
}

export function overlaps(
  info: Pick<PartitionInfo, 'from' | 'to'>,
  query: Pick<ReportQuery, 'since' | 'until'>
): boolean {
  return (
    (query.since === undefined || info.to >= query.since) &&
    (query.until === undefined || info.from <= query.until)
  )
}
