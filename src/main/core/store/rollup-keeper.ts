import type { StoredReport } from '../../../shared/ingest-protocol'
import type {
  DeviceRollup,
  PartitionFieldPaths,
  PartitionRollups,
  RollupResolution
} from '../persistence/partition-rollups'
import type {
  ActiveReportPartition,
  PartitionInfo,
  ReportPartitions
} from '../persistence/report-partitions'
import type { Logger } from '../runtime/logger'
import {
  DEFAULT_ROLLUP_LIMITS,
  PartitionRollup,
  type DeviceBuckets,
  type RollupLimits
} from './partition-rollup'

export interface RollupKeeperOptions {
  /** Where closed partitions' rollups are kept; none: series read closed partitions' reports. */
  rollups: PartitionRollups | undefined
  /** To rebuild a rollup from its partition's reports. */
  partitions: ReportPartitions
  limits?: RollupLimits
  logger: Logger
  /** Whether a partition is still kept (retention may delete one while its rollup is rebuilt). */
  isClosed: (partition: string) => boolean
}

/**
 * The rollups of the report store's partitions: the active partition's in memory, updated as
 * each batch is stored and written when the partition closes; the closed ones' kept by the
 * backend and deleted with their partition. A closed partition without one (a crash while it
 * was written, a data dir of a release before rollups, a file deleted by hand) has it rebuilt
 * from its reports in the background, one partition at a time, newest first; until then a
 * series reads that partition's reports.
 *
 * `stored`, `created`, `closed` and `deleted` run in the store's commit loop only, so a
 * partition never closes or goes while its rollup is written.
 */
export class RollupKeeper {
  /** The active partition's rollup, and a just-closed one's until it is written. */
  private readonly inMemory = new Map<string, PartitionRollup>()
  private activeName: string | null = null
  /** Closed partitions without a kept rollup, to rebuild. */
  private readonly missing = new Map<string, PartitionInfo>()
  private rebuilding: Promise<void> | null = null
  private stopped = false
  private readonly limits: RollupLimits
  /** Answers of `read`, turned into lookups once (the backend hands out the same object). */
  private readonly lookups = new WeakMap<DeviceRollup, DeviceBuckets>()

  constructor(private readonly options: RollupKeeperOptions) {
    this.limits = options.limits ?? DEFAULT_ROLLUP_LIMITS
  }

  /**
   * Rebuilds the active partition's rollup from its reports, drops kept rollups of partitions
   * that are gone, and starts rebuilding those of closed partitions that have none.
   */
  async open(
    closed: readonly PartitionInfo[],
    active: ActiveReportPartition | null
  ): Promise<void> {
    if (active !== null) {
      // In the order they were stored, as `stored` saw them: the same sums as before the restart.
      const rollup = this.created(active)
      if (active.count > 0)
        for (const report of await active.scan({}, active.count)) rollup.add(report)
    }
    const { rollups } = this.options
    if (rollups === undefined) return
    const kept = new Set(await rollups.list())
    const names = new Set(closed.map((info) => info.file))
    for (const name of kept) if (!names.has(name)) await rollups.delete(name)
    for (const info of closed) if (!kept.has(info.file)) this.missing.set(info.file, info)
    if (this.missing.size > 0)
      this.options.logger.info(
        { partitions: this.missing.size },
        'rebuilding the rollups of partitions that have none, in the background'
      )
    this.rebuildInBackground()
  }

  /** A new active partition: its rollup starts empty. */
  created(active: ActiveReportPartition): PartitionRollup {
    const name = active.name
    const rollup = new PartitionRollup(this.limits, (reached) =>
      this.options.logger.warn(
        { file: name, ...reached },
        'the rollup of the active partition reached its bound: series read its reports instead'
      )
    )
    this.inMemory.set(name, rollup)
    this.activeName = name
    return rollup
  }

  /** A batch the active partition has just stored (never one that failed). */
  stored(reports: readonly StoredReport[]): void {
    const rollup = this.activeName === null ? undefined : this.inMemory.get(this.activeName)
    if (rollup === undefined) return
    for (const report of reports) rollup.add(report)
  }

  /** The active partition has closed: its rollup is written (a failure leaves it to rebuild). */
  async closed(info: PartitionInfo): Promise<void> {
    if (this.activeName === info.file) this.activeName = null
    const rollup = this.inMemory.get(info.file)
    const { rollups } = this.options
    if (rollup === undefined || rollups === undefined) {
      this.inMemory.delete(info.file)
      return
    }
    try {
      await rollups.write(info.file, rollup.records(), rollup.fieldPaths())
    } catch (error) {
      this.options.logger.error(
        { err: error, file: info.file },
        'could not write the rollup of a closed partition: it will be rebuilt from its reports'
      )
      this.missing.set(info.file, info)
    } finally {
      this.inMemory.delete(info.file)
    }
  }

  /** Retention deleted a partition: its rollup goes with it. */
  async deleted(info: PartitionInfo): Promise<void> {
    this.missing.delete(info.file)
    this.inMemory.delete(info.file)
    try {
      await this.options.rollups?.delete(info.file)
    } catch (error) {
      this.options.logger.error(
        { err: error, file: info.file },
        'could not delete the rollup of a deleted partition: the next start does'
      )
    }
  }

  /** The active partition's rollup of a device (undefined: it reached its bound). */
  activeBuckets(
    partition: string,
    device: string,
    resolution: RollupResolution
  ): DeviceBuckets | null | undefined {
    const rollup = this.inMemory.get(partition)
    if (rollup === undefined) return rollup
    if (rollup.isFull) return undefined
    return rollup.device(device, resolution)
  }

  /** Whether the active partition holds reports of a device, as far as its rollup knows. */
  activeHas(partition: string, device: string): boolean {
    return this.inMemory.get(partition)?.has(device) ?? false
  }

  /**
   * A closed partition's rollup of a device: undefined while there is none (being written or
   * rebuilt, or lost: then a rebuild is started).
   */
  async closedBuckets(
    info: PartitionInfo,
    device: string,
    resolution: RollupResolution
  ): Promise<DeviceBuckets | null | undefined> {
    const { rollups } = this.options
    const closing = this.inMemory.get(info.file)
    if (closing !== undefined)
      return closing.isFull ? undefined : closing.device(device, resolution)
    if (rollups === undefined || this.missing.has(info.file)) return undefined
    const read = await rollups.read(info.file, device, resolution)
    if (read === null) return null
    if (read === undefined) {
      if (this.options.isClosed(info.file) && !this.inMemory.has(info.file)) {
        this.missing.set(info.file, info)
        this.rebuildInBackground()
      }
      return undefined
    }
    let lookup = this.lookups.get(read)
    if (lookup === undefined) {
      const byField = new Map(read.fields.map((f) => [f.field, f]))
      lookup = { allFields: read.allFields, field: (path) => byField.get(path) }
      this.lookups.set(read, lookup)
    }
    return lookup
  }

  /**
   * The field paths of a partition in memory (the active one, or one closing): undefined when
   * there is no such rollup here or it reached its bound.
   */
  inMemoryFieldPaths(partition: string): PartitionFieldPaths | undefined {
    const rollup = this.inMemory.get(partition)
    if (rollup === undefined || rollup.isFull) return undefined
    return rollup.fieldPaths()
  }

  /** A closed partition's field paths: undefined while none are kept (its reports hold them). */
  async closedFieldPaths(info: PartitionInfo): Promise<PartitionFieldPaths | undefined> {
    if (this.inMemory.has(info.file)) return this.inMemoryFieldPaths(info.file)
    const { rollups } = this.options
    if (rollups === undefined || this.missing.has(info.file)) return undefined
    return rollups.readFieldPaths(info.file)
  }

  /** Stops rebuilding; resolves once the rollup being rebuilt (if any) is written. */
  async stop(): Promise<void> {
    this.stopped = true
    await this.rebuilding
  }

  /** Resolves once no rebuild is running (for specs and the bench). */
  async settled(): Promise<void> {
    while (this.rebuilding !== null) await this.rebuilding
  }

  private rebuildInBackground(): void {
    if (this.rebuilding !== null || this.stopped || this.missing.size === 0) return
    this.rebuilding = this.rebuildAll().finally(() => {
      this.rebuilding = null
    })
  }

  private async rebuildAll(): Promise<void> {
    while (!this.stopped) {
      let next: PartitionInfo | undefined
      for (const info of this.missing.values())
        if (next === undefined || info.from > next.from) next = info
      if (next === undefined) return
      try {
        await this.rebuild(next)
      } catch (error) {
        // Not retried in a loop: the next series that needs it asks again.
        this.missing.delete(next.file)
        this.options.logger.error(
          { err: error, file: next.file },
          'could not rebuild the rollup of a partition: series read its reports'
        )
      }
    }
  }

  private async rebuild(info: PartitionInfo): Promise<void> {
    const rollups = this.options.rollups!
    const started = performance.now()
    const rollup = new PartitionRollup(this.limits, (reached) =>
      this.options.logger.warn(
        { file: info.file, ...reached },
        'the rollup of a partition reached its bound while rebuilt: series read its reports'
      )
    )
    // In the order they were stored, as the rollup written at its close saw them: the same sums.
    let reports = 0
    for await (const chunk of this.options.partitions.scan(info, {}, 2000)) {
      if (this.stopped) return
      for (const report of chunk) rollup.add(report)
      reports += chunk.length
    }
    if (this.stopped) return
    if (!this.options.isClosed(info.file)) {
      this.missing.delete(info.file)
      return
    }
    await rollups.write(info.file, rollup.records(), rollup.fieldPaths())
    this.missing.delete(info.file)
    // Retention may have deleted the partition, and its rollup, while this one was written.
    if (!this.options.isClosed(info.file)) {
      await rollups.delete(info.file)
      return
    }
    this.options.logger.info(
      {
        file: info.file,
        reports,
        buckets: rollup.bucketCount,
        ms: Math.round(performance.now() - started)
      },
      'rebuilt the rollup of a partition from its reports'
    )
  }
}
