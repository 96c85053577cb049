import type { FilterField } from './query-filter'

/** Bounds on the time of records, in epoch ms, both included; a bound left out does not bound. */
export interface DayLogRange {
  since?: number
  until?: number
}

export interface DayLogOptions<T> {
  /** The field (epoch ms) whose UTC day a record belongs to. */
  time: FilterField<T>
  /** The record a stored document holds, in the fields to keep; null to skip it. */
  decode(doc: Record<string, unknown>): T | null
  /** Records older than this are past retention: not carried over from an earlier layout. */
  keepFrom: number
}

/**
 * Records that are only ever appended, read back a run of days at a time and deleted a day at a
 * time past retention (device online/offline events, the alarm audit trail): no ids, no updates,
 * no queries but a time range, so a million of them cost a file append each and a stream to read,
 * never an index in memory.
 */
export interface DayLog<T extends object> {
  /** Appends `record` to its day; resolves once it is written. Appends made together are written together. */
  append(record: T): Promise<void>
  /**
   * Every record kept (within `range`, when given), oldest day first, in the order appended
   * within a day. A range reads only the days it overlaps: a query of a day costs that day.
   * `newestDayFirst`: the days from the newest back (each still in the order appended), so a
   * reader wanting the newest few can stop after the last day or two.
   */
  read(range?: DayLogRange, order?: { newestDayFirst?: boolean }): AsyncIterable<T>
  /** Deletes the days that end at or before `time`; returns them. */
  deleteBefore(time: number): Promise<string[]>
  /** Resolves once every record appended so far is written. */
  flush(): Promise<void>
}
