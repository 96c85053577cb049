import type { FilterField } from './query-filter'

export interface DayLogOptions<T> {
  /** The field (epoch ms) whose UTC day a record belongs to. */
  time: FilterField<T>
  /** The record a stored document holds, in the fields to keep; null to skip it. */
  decode(doc: Record<string, unknown>): T | null
  /** Records older than this are past retention: not carried over from an earlier layout. */
  keepFrom: number
}

/**
 * Records that are only ever appended, read back whole at start and deleted a day at a time past
 * retention (device online/offline events): no ids, no updates, no queries, so a million of them
 * cost a file append each and a stream at start, never an index in memory.
 */
export interface DayLog<T extends object> {
  /** Appends `record` to its day; resolves once it is written. Appends made together are written together. */
  append(record: T): Promise<void>
  /** Every record kept, oldest day first, in the order appended within a day. */
  read(): AsyncIterable<T>
  /** Deletes the days that end at or before `time`; returns them. */
  deleteBefore(time: number): Promise<string[]>
  /** Resolves once every record appended so far is written. */
  flush(): Promise<void>
}
