import type { DeviceSummary } from '../../../shared/api-types'

/** What the catalog remembers of a closed partition, so it need not be read to be skipped. */
export interface PartitionInfo {
  file: string
  from: number
  to: number
  count: number
  devices: DeviceSummary[]
}

export interface ReportQuery {
  device?: string
  since?: number
  until?: number
  limit: number
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
