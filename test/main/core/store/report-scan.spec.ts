import { describe, expect, it } from 'vitest'

import type { ReportStore } from '../../../../src/main/core/store/report-store'
import type { ScanQuery } from '../../../../src/main/core/store/partition-info'
import type { StoredReport } from '../../../../src/shared/ingest-protocol'
import { report, reportStores, store } from '../../../support/store'

const { dirs, open } = reportStores()
const DAY = 86_400_000
/** Report times in today's UTC day, so neither a day change nor retention by age interferes. */
const T0 = Math.floor(Date.now() / DAY) * DAY + 1000

async function scanned(s: ReportStore, query: ScanQuery): Promise<StoredReport[]> {
  const all: StoredReport[] = []
  for await (const chunk of s.scan(query)) {
    expect(chunk.length).toBeLessThanOrEqual(query.chunk ?? 1000)
    all.push(...chunk)
  }
  return all
}

describe('ReportStore.scan', () => {
  it('reads every report oldest first across closed partitions and the active one', async () => {
    const s = await open(await dirs.make(), { partitionMaxReports: 10, maxBatch: 3 })
    for (let i = 0; i < 35; i++) await store(s, report(i % 2 === 0 ? 'a' : 'b', T0 + i, { seq: i }))
    expect(s.partitionCount).toBe(4)
    const all = await scanned(s, { chunk: 4 })
    expect(all.map((r) => r.seq)).toEqual(Array.from({ length: 35 }, (_, i) => i))
    // Ids sort in the order of storing: a resume point is any id read.
    const ids = all.map((r) => r._id!)
    expect([...ids].sort()).toEqual(ids)
    expect(s.oldestId()).toBe(ids[0])

    const after = await scanned(s, { after: ids[16], chunk: 5 })
    expect(after.map((r) => r.seq)).toEqual(Array.from({ length: 18 }, (_, i) => 17 + i))
    expect(await scanned(s, { after: ids[34] })).toEqual([])

    const ofB = await scanned(s, { devices: ['b'], since: T0 + 10, until: T0 + 20 })
    expect(ofB.map((r) => r.seq)).toEqual([11, 13, 15, 17, 19])
    expect(await scanned(s, { devices: ['nobody'] })).toEqual([])
  })

  it('goes on past a partition that closes while it reads, and resumes after its last id', async () => {
    const dir = await dirs.make()
    const s = await open(dir, { partitionMaxReports: 10, maxBatch: 10 })
    for (let i = 0; i < 8; i++) await store(s, report('a', T0 + i, { seq: i }))
    const reading = s.scan({ chunk: 3 })
    const first = await reading.next()
    expect(first.value!.map((r: StoredReport) => r.seq)).toEqual([0, 1, 2])
    // Meanwhile the active partition fills, closes and a new one starts.
    for (let i = 8; i < 15; i++) await store(s, report('a', T0 + i, { seq: i }))
    const rest: StoredReport[] = []
    for await (const chunk of { [Symbol.asyncIterator]: () => reading }) rest.push(...chunk)
    const seen = [...first.value!, ...rest]
    expect(seen.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    const resumed = await scanned(s, { after: seen.at(-1)!._id })
    expect(resumed.map((r) => r.seq)).toEqual([10, 11, 12, 13, 14])
    await s.close()

    // After a restart, the catalog's ids still let a resume skip what was read.
    const again = await open(dir, { partitionMaxReports: 10, maxBatch: 10 })
    expect((await scanned(again, { after: seen.at(-1)!._id })).map((r) => r.seq)).toEqual([
      10, 11, 12, 13, 14
    ])
  })
})
