import { open } from 'node:fs/promises'

import type {
  DeviceRollupRecord,
  PartitionFieldPaths,
  RollupResolution
} from '../partition-rollups'

/**
 * The layout of one partition's rollup file, `reports/rollups/reports-<start ms>.ndjson`; every
 * line is JSON:
 *
 * 1. a header of exactly HEADER_BYTES bytes (padded with spaces):
 *    `{"lookoutRollup":2,"indexBytes":N,"pathsBytes":M}`
 * 2. the index, N bytes: `{"devices":[[device, allFields, minuteOffset, minuteBytes, hourOffset,
 *    hourBytes], …]}`, offsets counted from the first byte of part 4
 * 3. the field paths, M bytes: PartitionFieldPaths as JSON
 * 4. per device two lines, its minute buckets and its hour buckets: each an array of FieldBuckets
 *
 * So a series of one device reads the header, the index (once: it is cached) and the one line
 * of the width it needs, never the other devices' lines; an export reads the field paths only.
 * Format 1 (an earlier release's) has no part 3 and no `pathsBytes`: it is read as having no
 * field paths.
 */
export const HEADER_BYTES = 64
const FORMAT = 2
const FORMATS_READ: readonly unknown[] = [1, 2]

/** Where each device's lines are, as the index says. */
export interface RollupIndex {
  /** Offset of the first device line in the file. */
  dataStart: number
  /** Where the field paths are: offset and bytes; null in a format 1 file. */
  paths: [offset: number, bytes: number] | null
  /** The index's size, for the cache's bound. */
  bytes: number
  devices: Map<string, IndexEntry>
}

export interface IndexEntry {
  allFields: boolean
  minute: [offset: number, bytes: number]
  hour: [offset: number, bytes: number]
}

/** The whole file's text for a partition's rollup. */
export function encodeRollup(
  devices: readonly DeviceRollupRecord[],
  fieldPaths: PartitionFieldPaths
): string {
  const lines: string[] = []
  const entries: Array<[string, boolean, number, number, number, number]> = []
  let offset = 0
  for (const d of devices) {
    const minute = JSON.stringify(d.minute)
    const hour = JSON.stringify(d.hour)
    const minuteBytes = Buffer.byteLength(minute)
    const hourBytes = Buffer.byteLength(hour)
    entries.push([d.device, d.allFields, offset, minuteBytes, offset + minuteBytes + 1, hourBytes])
    offset += minuteBytes + 1 + hourBytes + 1
    lines.push(minute, hour)
  }
  const index = JSON.stringify({ devices: entries })
  const paths = JSON.stringify(fieldPaths)
  const header = JSON.stringify({
    lookoutRollup: FORMAT,
    indexBytes: Buffer.byteLength(index),
    pathsBytes: Buffer.byteLength(paths)
  })
  return [header.padEnd(HEADER_BYTES - 1), index, paths, ...lines].join('\n') + '\n'
}

/** The index of a rollup file; undefined when the file is gone; throws when it is not one. */
export async function readRollupIndex(path: string): Promise<RollupIndex | undefined> {
  const text = await readRange(path, 0, HEADER_BYTES)
  if (text === undefined) return undefined
  const header = JSON.parse(text) as {
    lookoutRollup?: unknown
    indexBytes?: unknown
    pathsBytes?: unknown
  }
  const bytes = header.indexBytes
  const pathsBytes = header.lookoutRollup === 1 ? null : header.pathsBytes
  if (
    !FORMATS_READ.includes(header.lookoutRollup) ||
    !isSize(bytes) ||
    (pathsBytes !== null && !isSize(pathsBytes))
  )
    throw new Error('not a rollup file of this version')
  const indexText = await readRange(path, HEADER_BYTES, bytes)
  if (indexText === undefined) return undefined
  const parsed = JSON.parse(indexText) as { devices?: unknown }
  if (!Array.isArray(parsed.devices)) throw new Error('a rollup index without devices')
  const devices = new Map<string, IndexEntry>()
  for (const entry of parsed.devices as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 6 || typeof entry[0] !== 'string')
      throw new Error('a malformed rollup index entry')
    const [device, allFields, mo, mb, ho, hb] = entry as [
      string,
      boolean,
      number,
      number,
      number,
      number
    ]
    devices.set(device, { allFields: allFields === true, minute: [mo, mb], hour: [ho, hb] })
  }
  const pathsStart = HEADER_BYTES + bytes + 1
  return pathsBytes === null
    ? { dataStart: pathsStart, paths: null, bytes, devices }
    : { dataStart: pathsStart + pathsBytes + 1, paths: [pathsStart, pathsBytes], bytes, devices }
}

function isSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

/** The field paths' text; undefined when the file is gone or (format 1) holds none. */
export function readFieldPathsText(path: string, index: RollupIndex): Promise<string | undefined> {
  if (index.paths === null) return Promise.resolve(undefined)
  return readRange(path, index.paths[0], index.paths[1])
}

/** The text of one device's line of one width; undefined when the file is gone. */
export function readDeviceLine(
  path: string,
  index: RollupIndex,
  entry: IndexEntry,
  resolution: RollupResolution
): Promise<string | undefined> {
  const [offset, bytes] = entry[resolution]
  return readRange(path, index.dataStart + offset, bytes)
}

/** `bytes` bytes of the file from `position`, as text; undefined when the file is gone. */
async function readRange(
  path: string,
  position: number,
  bytes: number
): Promise<string | undefined> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  try {
    const buffer = Buffer.alloc(bytes)
    let read = 0
    while (read < bytes) {
      const { bytesRead } = await handle.read(buffer, read, bytes - read, position + read)
      if (bytesRead === 0) throw new Error('a rollup file shorter than its index says')
      read += bytesRead
    }
    return buffer.toString('utf8')
  } finally {
    await handle.close()
  }
}
