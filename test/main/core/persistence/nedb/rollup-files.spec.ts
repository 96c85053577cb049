import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { NedbPartitionRollups } from '../../../../../src/main/core/persistence/nedb/nedb-partition-rollups'
import { HEADER_BYTES } from '../../../../../src/main/core/persistence/nedb/rollup-file'
import type {
  DeviceRollupRecord,
  FieldBuckets,
  PartitionFieldPaths
} from '../../../../../src/main/core/persistence/partition-rollups'
import { silentLogger } from '../../../../../src/main/core/runtime/logger'
import { tempDirs } from '../../../../support/temp-dir'

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

const T0 = Date.UTC(2026, 11, 1, 8)
const PARTITION = `reports-${T0}.db`

function field(name: string, value: number): FieldBuckets {
  return {
    field: name,
    exact: true,
    t: [T0],
    min: [value],
    max: [value],
    sum: [value],
    count: [1],
    last: [value]
  }
}

function device(id: string, value: number): DeviceRollupRecord {
  return {
    device: id,
    allFields: true,
    minute: [field('v', value)],
    hour: [field('v', value * 10)]
  }
}

const NO_PATHS: PartitionFieldPaths = { paths: [], devices: [] }

async function rollupsIn(dir: string): Promise<NedbPartitionRollups> {
  return new NedbPartitionRollups({ dir, logger: silentLogger() })
}

describe('rollup files (NeDB backend)', () => {
  it('writes one NDJSON file per partition beside it: a header, an index, the field paths, two lines a device', async () => {
    const dir = await dirs.make()
    const rollups = await rollupsIn(dir)
    await rollups.write(PARTITION, [device('a', 1), device('b', 2)], NO_PATHS)
    expect(await readdir(dir)).toEqual([`reports-${T0}.ndjson`])
    const text = await readFile(join(dir, `reports-${T0}.ndjson`), 'utf8')
    const lines = text.split('\n')
    expect(lines.at(-1)).toBe('')
    expect(lines.slice(0, -1).map((l) => JSON.parse(l) as unknown)).toHaveLength(7)
    expect(Buffer.byteLength(lines[0]!) + 1).toBe(HEADER_BYTES)
    expect(JSON.parse(lines[2]!)).toEqual(NO_PATHS)
    expect(JSON.parse(lines[3]!)).toEqual([field('v', 1)])
    expect(JSON.parse(lines[6]!)).toEqual([field('v', 20)])
  })

  it('reads one device’s line without parsing the others’', async () => {
    const dir = await dirs.make()
    await (await rollupsIn(dir)).write(PARTITION, [device('a', 1), device('b', 2)], NO_PATHS)
    // Spoil b's minute line, keeping every byte offset.
    const path = join(dir, `reports-${T0}.ndjson`)
    const lines = (await readFile(path, 'utf8')).split('\n')
    lines[5] = '#'.repeat(lines[5]!.length)
    await writeFile(path, lines.join('\n'))
    const rollups = await rollupsIn(dir)
    expect((await rollups.read(PARTITION, 'a', 'minute'))?.fields).toEqual([field('v', 1)])
    expect((await rollups.read(PARTITION, 'a', 'hour'))?.fields).toEqual([field('v', 10)])
    expect((await rollups.read(PARTITION, 'b', 'hour'))?.fields).toEqual([field('v', 20)])
    expect(await rollups.read(PARTITION, 'b', 'minute')).toBeUndefined()
  })

  it('answers a rewrite, not what it had cached', async () => {
    const dir = await dirs.make()
    const rollups = await rollupsIn(dir)
    await rollups.write(PARTITION, [device('a', 1)], NO_PATHS)
    expect((await rollups.read(PARTITION, 'a', 'minute'))?.fields).toEqual([field('v', 1)])
    await rollups.write(PARTITION, [device('a', 3)], NO_PATHS)
    expect((await rollups.read(PARTITION, 'a', 'minute'))?.fields).toEqual([field('v', 3)])
  })

  it('reads the field paths alone, and a file of the release before them as having none', async () => {
    const dir = await dirs.make()
    const rollups = await rollupsIn(dir)
    const paths: PartitionFieldPaths = {
      paths: [['v'], ['motor', 'état']],
      devices: [{ device: 'a', complete: true, leaves: [0, 0, 1, 1] }]
    }
    await rollups.write(PARTITION, [device('a', 1)], paths)
    expect(await rollups.readFieldPaths(PARTITION)).toEqual(paths)
    // Format 1: a header without pathsBytes, the index, then the device lines.
    const minute = JSON.stringify([field('v', 1)])
    const hour = JSON.stringify([field('v', 10)])
    const [mb, hb] = [Buffer.byteLength(minute), Buffer.byteLength(hour)]
    const index = JSON.stringify({ devices: [['a', true, 0, mb, mb + 1, hb]] })
    const header = JSON.stringify({ lookoutRollup: 1, indexBytes: Buffer.byteLength(index) })
    const v1 = [header.padEnd(HEADER_BYTES - 1), index, minute, hour].join('\n') + '\n'
    await writeFile(join(dir, `reports-${T0}.ndjson`), v1)
    const earlier = await rollupsIn(dir)
    expect((await earlier.read(PARTITION, 'a', 'hour'))?.fields).toEqual([field('v', 10)])
    expect(await earlier.readFieldPaths(PARTITION)).toBeUndefined()
  })

  it('takes a write cut short for none: its temp file is never listed, and removed', async () => {
    const dir = await dirs.make()
    await writeFile(join(dir, `reports-${T0}.ndjson.123-0.tmp`), '{"lookoutRollup":1,')
    const rollups = await rollupsIn(dir)
    expect(await rollups.list()).toEqual([])
    expect(await readdir(dir)).toEqual([])
    expect(await rollups.read(PARTITION, 'a', 'minute')).toBeUndefined()
  })
})
