import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import {
  readPartitionFile,
  scanPartitionFile
} from '../../../../../src/main/core/persistence/nedb/partition-files'
import type { StoredReport } from '../../../../../src/shared/ingest-protocol'
import { tempDirs } from '../../../../support/temp-dir'

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

async function read(
  dir: string,
  file: string
): Promise<{ reads: number; reports: StoredReport[] }> {
  let reads = 0
  const reports: StoredReport[] = []
  for await (const batch of readPartitionFile(dir, file)) {
    reads += 1
    expect(batch.length).toBeGreaterThan(0)
    reports.push(...batch)
  }
  return { reads, reports }
}

describe('reading a partition file', () => {
  it('reads a read’s worth of reports at a time, a character split between reads whole', async () => {
    const dir = await dirs.make()
    // Lines of 3-byte characters whose lengths do not divide 64 KiB: some fall across reads.
    const reports = Array.from({ length: 3000 }, (_, i) => ({
      _id: `id-${i}`,
      device: `pump-${i % 7}`,
      time: 1000 + i,
      identity: 'anonymous',
      text: '温度'.repeat(1 + (i % 13))
    }))
    await writeFile(
      join(dir, 'reports-1.db'),
      reports.map((r) => JSON.stringify(r)).join('\n') + '\n'
    )
    const { reads, reports: got } = await read(dir, 'reports-1.db')
    expect(got).toEqual(reports)
    expect(reads).toBeGreaterThan(2)
    expect(reads).toBeLessThan(reports.length / 50)
  })

  it('reads a last line without its LF, skips a torn one and what is not a report', async () => {
    const dir = await dirs.make()
    const a = { _id: 'a', device: 'd', time: 1, identity: 'x' }
    const b = { _id: 'b', device: 'd', time: 2, identity: 'x' }
    await writeFile(
      join(dir, 'reports-1.db'),
      `${JSON.stringify(a)}\r\n{"_id":"torn","dev\n{"not":"a report"}\n\n${JSON.stringify(b)}`
    )
    expect((await read(dir, 'reports-1.db')).reports).toEqual([a, b])
    const one: StoredReport[] = []
    for await (const r of scanPartitionFile(dir, 'reports-1.db')) one.push(r)
    expect(one).toEqual([a, b])
  })
})
