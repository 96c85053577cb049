import type { StoredReport } from '../../../shared/ingest-protocol'
import { SERIES_LIMITS } from '../../../shared/history-types'
import {
  ROLLUP_WIDTH_MS,
  type DeviceFieldPaths,
  type DeviceRollupRecord,
  type FieldBuckets,
  type PartitionFieldPaths,
  type RollupResolution
} from '../persistence/partition-rollups'
import { BucketRun } from './bucket-run'
import { isBranch, NOT_VALUES } from './report-values'

/** The bounds of one partition's rollup: what a stranger's reports can make it hold. */
export interface RollupLimits {
  /**
   * Numeric values of one report rolled up: a report of 7,500 numbers must not cost 7,500 bucket
   * updates (and fields) per report. A device's values past it are read from its reports.
   */
  valuesPerReport: number
  /** Buckets (both widths, every device and field) one partition's rollup holds at most. */
  maxBuckets: number
  /** Fields (every device's, counting the objects on their paths) it holds at most. */
  maxFields: number
}

/**
 * About 80 bytes a bucket (seven doubles and array slack) and 300 a field: at most about 110 MB
 * for a partition whose reports were made to hit both bounds. Ordinary partitions hold a few
 * thousand buckets (100 devices × 5 fields × the minutes of 50,000 reports).
 */
export const DEFAULT_ROLLUP_LIMITS: RollupLimits = {
  valuesPerReport: 64,
  maxBuckets: 1_000_000,
  maxFields: 100_000
}

/** A field path no series can ask for is not rolled up. */
const MAX_PATH = SERIES_LIMITS.maxFieldLength

/** One name on a field path: its buckets if it ever held a number, its children if an object. */
class FieldNode {
  children: Map<string, FieldNode> | undefined = undefined
  minute: BucketRun | undefined = undefined
  hour: BucketRun | undefined = undefined
  exact = true
  /** When it was first a leaf of its device's reports (the partition's count); -1: never. */
  leaf = -1
}

class DeviceNode {
  root = new FieldNode()
  allFields = true
  /** False once some field path of its reports was not kept (a bound): exports read them. */
  allPaths = true
}

/** A device's buckets of one width, looked up by field path, as a series reads them. */
export interface DeviceBuckets {
  allFields: boolean
  field(path: string): FieldBuckets | undefined
}

/**
 * The rollup of one partition while it is written, in memory: per device, per numeric field
 * (nested objects as dotted paths, booleans as 0 and 1, arrays skipped), buckets of a minute and
 * of an hour. `add` runs in the store's commit path for every stored report, so it walks the
 * report once with no allocation but a new bucket's or field's. Past its bounds it stops: its
 * devices are then marked as not holding all fields, and a series reads this partition's reports.
 */
export class PartitionRollup {
  private readonly devices = new Map<string, DeviceNode>()
  private buckets = 0
  private fields = 0
  private full = false
  // The report being walked: fields, not arguments, so the recursion passes three values.
  private current: DeviceNode = new DeviceNode()
  private time = 0
  private minuteStart = 0
  private hourStart = 0
  private valuesLeft = 0
  /** Leaves first seen so far, every device's: the order of the next one. */
  private leaves = 0
  /** Nodes made for leaves that are not numbers: bounded apart, so they never stop a series. */
  private leafFields = 0

  constructor(
    private readonly limits: RollupLimits = DEFAULT_ROLLUP_LIMITS,
    /** Told once, when the rollup reaches a bound and stops. */
    private readonly onFull: (what: { buckets: number; fields: number }) => void = () => undefined
  ) {}

  /** True once a bound was reached: every series then reads this partition's reports. */
  get isFull(): boolean {
    return this.full
  }

  get bucketCount(): number {
    return this.buckets
  }

  add(report: StoredReport): void {
    let device = this.devices.get(report.device)
    if (device === undefined) {
      device = new DeviceNode()
      device.allFields = !this.full
      device.allPaths = !this.full
      this.devices.set(report.device, device)
    }
    if (this.full) return
    const time = report.time
    this.current = device
    this.time = time
    this.minuteStart = time - (time % ROLLUP_WIDTH_MS.minute)
    this.hourStart = time - (time % ROLLUP_WIDTH_MS.hour)
    this.valuesLeft = this.limits.valuesPerReport
    this.walk(device.root, report, 0, true)
  }

  has(device: string): boolean {
    return this.devices.has(device)
  }

  /** A device's buckets of one width; null when no report of it is here. Shares the live arrays. */
  device(device: string, resolution: RollupResolution): DeviceBuckets | null {
    const node = this.devices.get(device)
    if (node === undefined) return null
    return {
      allFields: node.allFields,
      field: (path) => {
        let field: FieldNode | undefined = node.root
        for (const name of path.split('.')) {
          field = field.children?.get(name)
          if (field === undefined) return undefined
        }
        const run = field[resolution]
        return run === undefined ? undefined : run.view(path, field.exact)
      }
    }
  }

  /** Everything, as the persistence keeps it: per device, both widths. */
  records(): DeviceRollupRecord[] {
    const records: DeviceRollupRecord[] = []
    for (const [device, node] of this.devices) {
      const record: DeviceRollupRecord = {
        device,
        allFields: node.allFields,
        minute: [],
        hour: []
      }
      collect(node.root, '', record)
      records.push(record)
    }
    return records
  }

  /**
   * Every device's field paths, as an export takes its columns: each leaf (a scalar, an array,
   * an empty object ends a path) with when it was first seen.
   */
  fieldPaths(): PartitionFieldPaths {
    const paths: string[][] = []
    const indexes = new Map<string, number>()
    const devices: DeviceFieldPaths[] = []
    for (const [device, node] of this.devices) {
      const leaves: number[] = []
      collectLeaves(node.root, [], (order, path) => {
        const key = path.join('\u0000')
        let index = indexes.get(key)
        if (index === undefined) {
          index = paths.length
          indexes.set(key, index)
          paths.push(path.slice())
        }
        leaves.push(order, index)
      })
      devices.push({ device, complete: node.allPaths, leaves })
    }
    return { paths, devices }
  }

  /** `pathLength`: the length of the path to `object`, with its trailing dot (0 at the top). */
  private walk(node: FieldNode, object: object, pathLength: number, top: boolean): void {
    const record = object as Record<string, unknown>
    for (const key in record) {
      if (top && NOT_VALUES.has(key)) continue
      const value = record[key]
      let number: number
      if (typeof value === 'number' && Number.isFinite(value)) {
        number = value
      } else if (typeof value === 'boolean') {
        number = value ? 1 : 0
      } else {
        if (!isBranch(value)) {
          // A string, null, an array, an empty object: a column of an export, never a series.
          this.leafOf(node, key)
          continue
        }
        const length = pathLength + key.length + 1
        const child = length > MAX_PATH ? undefined : this.child(node, key)
        if (child !== undefined) this.walk(child, value, length, false)
        else this.current.allPaths = false
        if (this.full) return
        continue
      }
      if (pathLength + key.length > MAX_PATH) {
        this.current.allPaths = false
        continue
      }
      const field = this.fold(node, key, number)
      if (this.full) return
      if (field === undefined) this.leafOf(node, key)
      else if (field.leaf < 0) field.leaf = this.leaves++
    }
  }

  /**
   * Marks `key` under `parent` a leaf of the current device's paths, its node made if need be —
   * within the bound on fields, past which the device's paths are no longer all kept (its
   * series still are: this bound never stops the rollup).
   */
  private leafOf(parent: FieldNode, key: string): void {
    let node = parent.children?.get(key)
    if (node === undefined) {
      if (this.leafFields >= this.limits.maxFields) {
        this.current.allPaths = false
        return
      }
      node = new FieldNode()
      ;(parent.children ??= new Map()).set(key, node)
      this.leafFields += 1
    }
    if (node.leaf < 0) node.leaf = this.leaves++
  }

  /** Folds a value into its field's buckets: the field, or undefined when it is not rolled up. */
  private fold(parent: FieldNode, key: string, value: number): FieldNode | undefined {
    const device = this.current
    if (this.valuesLeft === 0) {
      // Past what one report may add: this value is not rolled up, so a series of a field the
      // rollup does not hold, or holds without it, reads the reports.
      device.allFields = false
      const held = parent.children?.get(key)
      if (held !== undefined && held.minute !== undefined) held.exact = false
      return
    }
    const field = this.child(parent, key)
    if (field === undefined) return
    this.valuesLeft -= 1
    const { time, minuteStart, hourStart } = this
    const near = this.buckets + 2 > this.limits.maxBuckets
    if (field.minute === undefined || field.hour === undefined) {
      if (near) {
        this.stop()
        return undefined
      }
      field.minute = new BucketRun()
      field.hour = new BucketRun()
      // First seen after a report of this device had values cut: those may have held it.
      field.exact = device.allFields
    } else if (
      near &&
      (field.minute.needsBucket(minuteStart) || field.hour.needsBucket(hourStart))
    ) {
      this.stop()
      return undefined
    }
    if (field.minute.add(minuteStart, time, value)) this.buckets += 1
    if (field.hour.add(hourStart, time, value)) this.buckets += 1
    return field
  }

  /** The node of `key` under `parent`, made if need be and allowed; undefined if not. */
  private child(parent: FieldNode, key: string): FieldNode | undefined {
    const found = parent.children?.get(key)
    if (found !== undefined) return found
    if (this.valuesLeft === 0) return undefined
    if (this.fields >= this.limits.maxFields) {
      this.stop()
      return undefined
    }
    const made = new FieldNode()
    ;(parent.children ??= new Map()).set(key, made)
    this.fields += 1
    return made
  }

  /** A bound is reached: what is held goes (every series reads the reports instead). */
  private stop(): void {
    const reached = { buckets: this.buckets, fields: this.fields }
    this.full = true
    for (const device of this.devices.values()) {
      device.root = new FieldNode()
      device.allFields = false
      device.allPaths = false
    }
    this.buckets = 0
    this.fields = 0
    this.onFull(reached)
  }
}

/** Calls `found` for each leaf under `node`, with its order and path (`path`: reused, copy it). */
function collectLeaves(
  node: FieldNode,
  path: string[],
  found: (order: number, path: string[]) => void
): void {
  if (node.children === undefined) return
  for (const [name, child] of node.children) {
    path.push(name)
    if (child.leaf >= 0) found(child.leaf, path)
    collectLeaves(child, path, found)
    path.pop()
  }
}

function collect(node: FieldNode, prefix: string, into: DeviceRollupRecord): void {
  if (node.children === undefined) return
  for (const [name, child] of node.children) {
    const path = prefix + name
    if (child.minute !== undefined && child.hour !== undefined) {
      into.minute.push(child.minute.view(path, child.exact))
      into.hour.push(child.hour.view(path, child.exact))
    }
    collect(child, path + '.', into)
  }
}
