import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import type { Logger } from '../../runtime/logger'
import type {
  DeviceRollup,
  DeviceRollupRecord,
  FieldBuckets,
  PartitionFieldPaths,
  PartitionRollups,
  RollupResolution
} from '../partition-rollups'
import { ByteLru } from './byte-lru'
import { partitionStart } from './partition-files'
import {
  encodeRollup,
  readDeviceLine,
  readFieldPathsText,
  readRollupIndex,
  type IndexEntry,
  type RollupIndex
} from './rollup-file'

export interface NedbPartitionRollupsOptions {
  /** `reports/rollups/`: next to the partitions they are of. */
  dir: string
  logger: Logger
  /** Bytes of rollup indexes kept parsed (default 8 MiB). */
  indexCacheBytes?: number
  /** Bytes of devices' lines kept parsed (default 16 MiB). */
  partCacheBytes?: number
}

const ROLLUP_FILE = /^(reports-\d+)\.ndjson$/
const TEMP_FILE = /\.tmp$/

/**
 * Partition rollups as one file per partition, `reports/rollups/reports-<start ms>.ndjson`
 * beside `reports/reports-<start ms>.db` (layout in rollup-file.ts): written whole to a temp
 * file and renamed over, so a crash leaves the old file or the new one, never half of one.
 * Indexes and recently read device lines stay parsed in two LRUs bounded by their bytes.
 */
export class NedbPartitionRollups implements PartitionRollups {
  private readonly indexes: ByteLru<string, RollupIndex>
  private readonly parts: ByteLru<string, DeviceRollup>
  private written = 0

  constructor(private readonly options: NedbPartitionRollupsOptions) {
    this.indexes = new ByteLru(options.indexCacheBytes ?? 8 * 1024 * 1024)
    this.parts = new ByteLru(options.partCacheBytes ?? 16 * 1024 * 1024)
  }

  async write(
    partition: string,
    devices: readonly DeviceRollupRecord[],
    fieldPaths: PartitionFieldPaths
  ): Promise<void> {
    const path = this.pathOf(partition)
    await mkdir(this.options.dir, { recursive: true })
    const temp = `${path}.${process.pid}-${this.written++}.tmp`
    try {
      await writeFile(temp, encodeRollup(devices, fieldPaths))
      await rename(temp, path)
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined)
      throw error
    } finally {
      this.forget(partition)
    }
  }

  async read(
    partition: string,
    device: string,
    resolution: RollupResolution
  ): Promise<DeviceRollup | null | undefined> {
    const path = this.pathOf(partition)
    const index = await this.index(partition, path)
    if (index === undefined) return undefined
    const entry = index.devices.get(device)
    if (entry === undefined) return null
    const key = partKey(partition, resolution, device)
    const cached = this.parts.get(key)
    if (cached !== undefined) return cached
    const part = await this.readPart(partition, path, index, entry, device, resolution)
    if (part === undefined) return undefined
    // Only if the file is still the one the index was read from (no write or delete meanwhile).
    if (this.indexes.get(partition) === index) this.parts.set(key, part, entry[resolution][1])
    return part
  }

  /** Not cached: an export reads them once, and they may be large (a path per device field). */
  async readFieldPaths(partition: string): Promise<PartitionFieldPaths | undefined> {
    const path = this.pathOf(partition)
    const index = await this.index(partition, path)
    if (index === undefined) return undefined
    try {
      const text = await readFieldPathsText(path, index)
      if (text === undefined) return undefined
      const parsed = JSON.parse(text) as Partial<PartitionFieldPaths>
      if (!Array.isArray(parsed.paths) || !Array.isArray(parsed.devices))
        throw new Error('field paths that are not a list of paths and devices')
      return parsed as PartitionFieldPaths
    } catch (error) {
      this.unreadable(partition, error)
      return undefined
    }
  }

  async list(): Promise<string[]> {
    let names: string[]
    try {
      names = await readdir(this.options.dir)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
    const partitions: string[] = []
    for (const name of names) {
      const match = ROLLUP_FILE.exec(name)
      if (match !== null) partitions.push(`${match[1]!}.db`)
      // A write cut short by a crash or a stop: never renamed, never read.
      else if (TEMP_FILE.test(name)) await rm(join(this.options.dir, name), { force: true })
    }
    return partitions
  }

  async delete(partition: string): Promise<void> {
    this.forget(partition)
    await rm(this.pathOf(partition), { force: true })
  }

  /** `reports-<ms>.db` → `rollups/reports-<ms>.ndjson`; refuses any other name. */
  private pathOf(partition: string): string {
    return join(this.options.dir, `reports-${partitionStart(partition)}.ndjson`)
  }

  private async index(partition: string, path: string): Promise<RollupIndex | undefined> {
    const cached = this.indexes.get(partition)
    if (cached !== undefined) return cached
    let index: RollupIndex | undefined
    try {
      index = await readRollupIndex(path)
    } catch (error) {
      this.unreadable(partition, error)
      return undefined
    }
    if (index !== undefined) this.indexes.set(partition, index, index.bytes)
    return index
  }

  private async readPart(
    partition: string,
    path: string,
    index: RollupIndex,
    entry: IndexEntry,
    device: string,
    resolution: RollupResolution
  ): Promise<DeviceRollup | undefined> {
    try {
      const text = await readDeviceLine(path, index, entry, resolution)
      if (text === undefined) return undefined
      const fields = JSON.parse(text) as unknown
      if (!Array.isArray(fields)) throw new Error('a device line that is not an array')
      return { device, allFields: entry.allFields, fields: fields as FieldBuckets[] }
    } catch (error) {
      this.unreadable(partition, error)
      return undefined
    }
  }

  /** A file that is not what this backend writes (a power cut's garbage): as if none was kept. */
  private unreadable(partition: string, error: unknown): void {
    this.forget(partition)
    this.options.logger.warn(
      { err: error, partition },
      'a rollup file could not be read: the partition is read instead, and its rollup rebuilt'
    )
  }

  private forget(partition: string): void {
    this.indexes.delete(partition)
    const prefix = partition + '\u0000'
    this.parts.deleteWhere((key) => key.startsWith(prefix))
  }
}

function partKey(partition: string, resolution: string, device: string): string {
  return `${partition}\u0000${resolution}\u0000${device}`
}
