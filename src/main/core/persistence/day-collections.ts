import type { DocumentCollection } from './document-collection'
import type { FilterField, FilterValue } from './query-filter'

export interface DayCollectionsOptions<T> {
  /** The field `lookup` finds a document by; unique within a day, never changed. */
  unique: FilterField<T>
  /** The field (epoch ms) whose UTC day a document belongs to. */
  time: FilterField<T>
  /** Documents older than this are past retention: not carried over from an earlier layout. */
  keepFrom: number
  /** The time now (the services' clock): a carry-over is dated by it. */
  now: number
}

/**
 * Documents kept in one collection per UTC day (`2026-12-01`) of their time, for records that are
 * written for a while and then only looked up (push messages): only the days that can still
 * change are opened, a day is deleted whole at retention, and a document of any other day is
 * looked up by its unique field without opening the day. So neither start-up nor retention grows
 * with the documents kept.
 */
export interface DayCollections<T extends object> {
  /** The days that hold documents, oldest first. */
  days(): Promise<string[]>
  /**
   * A day's collection, for writes and queries (NeDB loads its file into memory). Open a day
   * once; open it again only after every write through the earlier handle has settled.
   */
  open(day: string): Promise<DocumentCollection<T>>
  /**
   * The current version of the document of `day` whose unique field is `value`, read without
   * opening the day; undefined when there is none. Settled writes of an open handle are seen.
   */
  lookup(day: string, value: FilterValue): Promise<T | undefined>
  /** Deletes the days that end at or before `time`; returns them. */
  deleteBefore(time: number): Promise<string[]>
  /**
   * Up to this time, documents may have been carried over from an earlier layout, and need not
   * follow what later ones do (message ids that name their day); null when none can be.
   */
  readonly carriedOverUntil: number | null
}
