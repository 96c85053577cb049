import type { DeviceSummary } from '../../../shared/api-types'
import type { StoredReport } from '../../../shared/ingest-protocol'
import type { Filter } from './query-filter'

/** What the catalog keeps of a closed partition, so it need not be read to be skipped. */
export interface PartitionInfo {
  /** The partition's name (NeDB: its file, `reports-<start ms>.db`). */
  file: string
  from: number
  to: number
  count: number
  devices: DeviceSummary[]
  /**
   * The `_id`s of its first and last report (ids sort in the order reports were stored), so a
   * stream resuming after an id skips what it has had without reading it. Missing in entries an
   * earlier release wrote.
   */
  firstId?: string
  lastId?: string
}

/** The one partition being written. */
export interface ActiveReportPartition {
  readonly name: string
  readonly count: number
  /** The space it takes after its last append: the store closes it at a byte budget. */
  readonly bytes: number
  /** Receive times of its oldest and newest report; both its start while it is empty. */
  readonly from: number
  readonly to: number
  /**
   * Stores a batch, in one write. When it throws, none of the batch is kept — neither in what
   * `find` answers now nor after a restart (a part that reached storage is cut before the
   * partition's next write, its close, or the end of the store).
   */
  append(reports: readonly StoredReport[]): Promise<void>
  /** Matching reports newest first (by time, then `_id`), at most `limit`. */
  find(filter: Filter<StoredReport>, limit: number): Promise<StoredReport[]>
  /**
   * Matching reports in the order they were stored (by `_id`), at most `limit`: read a chunk at
   * a time with `_id: { gt: <the last one read> }` in the filter.
   */
  scan(filter: Filter<StoredReport>, limit: number): Promise<StoredReport[]>
  /** Its catalog entry as it stands. */
  info(): PartitionInfo
}

/**
 * Where the report store keeps its reports: a run of partitions by receive time, the newest
 * one active (written to) and the others closed (read only, listed in a catalog with their time
 * range and per-device counts, so a query skips what cannot match). The store decides when to
 * close a partition and which to delete; a backend decides how they are kept. Only one thing at a
 * time changes them (the store's commit loop); `find` runs alongside.
 */
export interface ReportPartitions {
  /**
   * Opens what is kept: the closed partitions oldest first, and the active one if there is one.
   * `onRecent` sees every report of the active partition and of the newest closed one (the dedup
   * window is rebuilt from them).
   */
  open(
    onRecent: (report: StoredReport) => void
  ): Promise<{ closed: PartitionInfo[]; active: ActiveReportPartition | null }>
  /**
   * A new, empty active partition, after every other, for reports received from `time` on (the
   * time of the first report it is created for).
   */
  create(time: number): Promise<ActiveReportPartition>
  /** Closes the active partition: it is catalogued and read through `find` from now on. */
  close(partition: ActiveReportPartition): Promise<PartitionInfo>
  /** Matching reports of a closed partition, newest first, at most `limit`; none once deleted. */
  find(info: PartitionInfo, filter: Filter<StoredReport>, limit: number): Promise<StoredReport[]>
  /**
   * Matching reports of a closed partition in the order they were stored, in chunks of at most
   * `chunk`, read as they are consumed (constant memory, however large the partition); it ends
   * early, quietly, if retention deletes the partition meanwhile.
   */
  scan(
    info: PartitionInfo,
    filter: Filter<StoredReport>,
    chunk: number
  ): AsyncIterable<StoredReport[]>
  /** Deletes a closed partition and its catalog entry. */
  delete(info: PartitionInfo): Promise<void>
  /** The store is closing: finishes what a failed append left (see `append`). */
  end(): Promise<void>
  /** What the partitions take where the backend keeps them, in bytes (for diagnostics). */
  bytesStored(): Promise<number>
}
