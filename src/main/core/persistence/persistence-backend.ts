import type { DayCollections, DayCollectionsOptions } from './day-collections'
import type { DayLog, DayLogOptions } from './day-log'
import type { CollectionOptions, DocumentCollection } from './document-collection'
import type { PartitionRollups } from './partition-rollups'
import type { ReportPartitions } from './report-partitions'

/**
 * Where the console keeps what must outlive a restart. Each service asks for its own storage
 * by name (`clients`, `messages`, `device-events`); the backend decides what a name becomes —
 * NeDB: files in the data dir (nedb/), a database server: tables. Every implementation passes
 * the contract specs in test/main/core/persistence/.
 */
export interface PersistenceBackend {
  /** A collection of documents (push clients). Open each name once. */
  collection<T extends object>(
    name: string,
    options?: CollectionOptions<T>
  ): Promise<DocumentCollection<T>>
  /** Documents kept a collection per UTC day (push messages). Open each name once. */
  dayCollections<T extends object>(
    name: string,
    options: DayCollectionsOptions<T>
  ): Promise<DayCollections<T>>
  /** Records only appended, a log per UTC day (device events). Open each name once. */
  dayLog<T extends object>(name: string, options: DayLogOptions<T>): Promise<DayLog<T>>
  /** The report store's partitions. */
  reportPartitions(): ReportPartitions
  /** The rollups of the report store's closed partitions (for series), kept beside them. */
  partitionRollups(): PartitionRollups
}
