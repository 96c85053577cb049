/**
 * The two widths a rollup keeps: buckets of one minute and of one hour, aligned to UTC (a
 * bucket starts at a whole multiple of its width in epoch ms).
 */
export type RollupResolution = 'minute' | 'hour'

export const ROLLUP_WIDTH_MS: Readonly<Record<RollupResolution, number>> = {
  minute: 60_000,
  hour: 3_600_000
}

/**
 * One field's buckets at one width, oldest first, as parallel arrays (element i of each is
 * bucket i): compact to keep and to parse, where an object per bucket would not be.
 */
export interface FieldBuckets {
  /** A top-level name or a dotted path into nested objects (`motor.temp`). */
  field: string
  /**
   * False when some of the field's values in this partition are not in the buckets (it was past
   * a report's rolled-up values, or the rollup reached its bound): read the reports for it.
   */
  exact: boolean
  /** Each bucket's start, epoch ms, ascending. */
  t: number[]
  min: number[]
  max: number[]
  sum: number[]
  count: number[]
  /** The value of the bucket's newest report (by receive time, then arrival). */
  last: number[]
}

/** What a partition's rollup holds of one device at one width. */
export interface DeviceRollup {
  device: string
  /**
   * False when a field missing from `fields` may still have numeric values in the partition (a
   * report had more numeric values than are rolled up): read the reports for such a field. True:
   * a field not listed has none there.
   */
  allFields: boolean
  fields: FieldBuckets[]
}

/** One device's part of a partition's rollup, both widths, as it is written. */
export interface DeviceRollupRecord {
  device: string
  allFields: boolean
  minute: FieldBuckets[]
  hour: FieldBuckets[]
}

/**
 * Every field path a partition's reports hold (numeric or not: what a CSV export makes its
 * columns of), per device, in the order each was first stored, so an export of a closed day
 * need not read its reports to know its columns.
 */
export interface PartitionFieldPaths {
  /** Each path as its names (`["motor", "rpm"]`), every device's together, each once. */
  paths: string[][]
  devices: DeviceFieldPaths[]
}

export interface DeviceFieldPaths {
  device: string
  /** False when some of its paths are not listed (a bound was reached): read its reports. */
  complete: boolean
  /**
   * Flat pairs `[order, path, order, path, …]`: `path` an index into `paths`, `order` when the
   * device first stored it, counted across every device of the partition (so orders compare
   * between devices: the first device to store a path sets its place in an export of all).
   */
  leaves: number[]
}

/**
 * Where the report store keeps the rollup of each closed partition: per device, per numeric
 * field, min/max/sum/count/last per minute and per hour. A rollup is derived from its
 * partition's reports (the store rebuilds one that is missing), so a backend may lose one — a
 * crash while writing it — but must never answer a torn or half-written one. The store writes
 * and deletes them from its commit loop only; `read` runs alongside.
 */
export interface PartitionRollups {
  /**
   * Keeps the rollup of the partition `partition` (its name, as ReportPartitions gives it),
   * replacing any kept before: after a crash either the whole of it is there or none.
   */
  write(
    partition: string,
    devices: readonly DeviceRollupRecord[],
    fieldPaths: PartitionFieldPaths
  ): Promise<void>
  /**
   * One device's buckets of one width, read without reading the other devices' parts: null when
   * the rollup holds no such device, undefined when no rollup of that partition is kept (never
   * written, deleted, or unreadable).
   */
  read(
    partition: string,
    device: string,
    resolution: RollupResolution
  ): Promise<DeviceRollup | null | undefined>
  /**
   * The field paths kept with a partition's rollup: undefined when there are none (no rollup
   * kept, or one written by a release that did not keep them).
   */
  readFieldPaths(partition: string): Promise<PartitionFieldPaths | undefined>
  /** The partitions a rollup is kept of, in no particular order. */
  list(): Promise<string[]>
  /** Deletes the rollup of a partition (retention deleted the partition); none kept is no error. */
  delete(partition: string): Promise<void>
}
