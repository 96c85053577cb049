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

/** Reports read in the order they were stored (exports, the stream): `after` resumes a read. */
export interface ScanQuery {
  /** Only these devices; every device when left out. */
  devices?: readonly string[]
  since?: number
  until?: number
  /** Only the reports stored after the one with this `_id`. */
  after?: string
  /** Reports per chunk; default 1,000. */
  chunk?: number
}

/** The reports a scan asks for, as the one filter every partition is read with. */
export function scanFilter(query: ScanQuery, after = query.after): Filter<StoredReport> {
  const filter: {
    device?: string | { in: readonly string[] }
    time?: { gte?: number; lte?: number }
    _id?: { gt: string }
  } = {}
  if (query.devices !== undefined)
    filter.device = query.devices.length === 1 ? query.devices[0]! : { in: query.devices }
  if (query.since !== undefined || query.until !== undefined)
    filter.time = { gte: query.since, lte: query.until }
  if (after !== undefined) filter._id = { gt: after }
  return filter
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
