/**
 * The report store on NeDB, as its files show it: what reaches them and when, their names and
 * sizes, the catalog file. The behaviour any backend shares is in test/main/core/store/ and the
 * contract specs.
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { NedbReportPartitions } from '../../../../../src/main/core/persistence/nedb/nedb-report-partitions'
import { silentLogger } from '../../../../../src/main/core/runtime/logger'
import type { StoredReport } from '../../../../../src/shared/ingest-protocol'
import { report, reportStores, store } from '../../../../support/store'

const { dirs, open } = reportStores()
const DAY = 86_400_000
/** Report times in today's UTC day, so neither a day change nor retention by age interferes. */
const T0 = Math.floor(Date.now() / DAY) * DAY + 1000

async function fileLines(dir: string): Promise<StoredReport[]> {
  const files = (await readdir(dir)).filter((f) => f.startsWith('reports-'))
  const lines: StoredReport[] = []
  for (const f of files) {
    for (const line of (await readFile(join(dir, f), 'utf8')).split('\n'))
      if (line) lines.push(JSON.parse(line))
  }
  return lines
}

describe('ReportStore', () => {
  it('writes a report to disk before calling back', async () => {
    const dir = await dirs.make()
    const s = await open(dir)
    await store(s, report('a', T0, { seq: 1, v: 42 }))
    expect(await fileLines(dir)).toEqual([expect.objectContaining({ device: 'a', seq: 1, v: 42 })])
  })

  it('groups concurrent submissions into few commits', async () => {
    const dir = await dirs.make()
    const s = await open(dir)
    let commits = 0
    s.on('stored', () => (commits += 1))
    await Promise.all(
      Array.from({ length: 5000 }, (_, i) => store(s, report('a', T0 + i, { seq: i })))
    )
    expect((await fileLines(dir)).length).toBe(5000)
    expect(commits).toBeLessThanOrEqual(5) // 5000 reports, batches of up to 2000
  })

  it('stores a re-sent (device, seq) once and acknowledges every copy', async () => {
    const dir = await dirs.make()
    const s = await open(dir)
    const first = store(s, report('a', T0 + 1, { seq: 7 }))
    const queuedCopy = store(s, report('a', T0 + 2, { seq: 7 })) // still queued: waits for the first
    await Promise.all([first, queuedCopy])
    await store(s, report('a', T0 + 3, { seq: 7 })) // already stored: acked at once
    await store(s, report('b', T0 + 4, { seq: 7 })) // another device's seq 7 is its own
    const lines = await fileLines(dir)
    expect(lines.filter((r) => r.device === 'a')).toHaveLength(1)
    expect(lines.filter((r) => r.device === 'b')).toHaveLength(1)
  })

  it('drops what a failed write left in memory, and stores again once the disk is back', async () => {
    const dir = await dirs.make()
    const s = await open(dir)
    await store(s, report('a', T0, { seq: 1 }))
    await rm(dir, { recursive: true, force: true }) // the disk loses everything under the store
    await expect(store(s, report('a', T0 + 1, { seq: 2 }))).rejects.toThrow()
    await store(s, report('a', T0 + 2, { seq: 3 }))
    expect((await s.query({ limit: 10 })).map((r) => r.seq)).toEqual([3])
    expect((await fileLines(dir)).map((r) => r.seq)).toEqual([3])
  })

  it('does not rewrite a closed partition when a query reads it', async () => {
    const dir = await dirs.make()
    const s = await open(dir, { partitionMaxReports: 100 })
    for (let i = 0; i < 150; i++) await store(s, report('a', T0 + i, { seq: i }))
    const [oldest] = (await readdir(dir)).filter((f) => f.startsWith('reports-')).sort()
    const before = await stat(join(dir, oldest!))
    await new Promise((r) => setTimeout(r, 20))
    expect((await s.query({ until: T0 + 10, limit: 100 })).map((r) => r.seq)).toHaveLength(11)
    const after = await stat(join(dir, oldest!))
    expect(after.mtimeMs).toBe(before.mtimeMs)
    expect(after.ino).toBe(before.ino)
  })

  it('rolls over to a new partition at the size limit and queries across partitions newest first', async () => {
    const dir = await dirs.make()
    const s = await open(dir, { partitionMaxReports: 100, maxBatch: 50 })
    for (let i = 0; i < 350; i++)
      await store(s, report(i % 2 === 0 ? 'even' : 'odd', T0 + i, { seq: i }))
    expect(s.partitionCount).toBe(4)
    expect((await readdir(dir)).filter((f) => f.startsWith('reports-'))).toHaveLength(4)

    const newest = await s.query({ limit: 5 })
    expect(newest.map((r) => r.time - T0)).toEqual([349, 348, 347, 346, 345])
    const range = await s.query({ since: T0 + 95, until: T0 + 104, limit: 100 })
    expect(range.map((r) => r.time - T0)).toEqual([104, 103, 102, 101, 100, 99, 98, 97, 96, 95])
    const oldestOdd = await s.query({ device: 'odd', until: T0 + 5, limit: 100 })
    expect(oldestOdd.map((r) => r.time - T0)).toEqual([5, 3, 1])
    const all = await s.query({ limit: 10_000 })
    expect(all).toHaveLength(350)
    expect(all.every((r, i) => i === 0 || all[i - 1]!.time >= r.time)).toBe(true)
  })

  it('rebuilds its catalog when the catalog file is lost', async () => {
    const dir = await dirs.make()
    const s1 = await open(dir, { partitionMaxReports: 10 })
    for (let i = 0; i < 35; i++) await store(s1, report(`d${i % 3}`, T0 + i, { seq: i }))
    await s1.close()
    await rm(join(dir, 'partitions.db'))
    const s2 = await open(dir, { partitionMaxReports: 10 })
    expect(s2.reportCount).toBe(35)
    expect((await s2.query({ device: 'd1', limit: 100 })).length).toBe(12)
    expect(s2.deviceSummaries().find((d) => d.id === 'd0')).toMatchObject({
      reports: 12,
      firstSeen: T0,
      lastSeen: T0 + 33
    })
  })

  it('closes the active partition at its byte budget, before the count limit', async () => {
    const dir = await dirs.make()
    const budget = 64 * 1024
    const blob = 'x'.repeat(8000) // large reports: the count limit (50,000) is never near
    const s1 = await open(dir, { partitionMaxBytes: budget })
    for (let i = 0; i < 40; i++) await store(s1, report('a', T0 + i, { seq: i, blob }))
    expect(s1.partitionCount).toBeGreaterThan(3)
    const seqs = Array.from({ length: 40 }, (_, i) => 39 - i)
    expect((await s1.query({ limit: 100 })).map((r) => r.seq)).toEqual(seqs)
    await s1.close()
    // Each file stops within one commit (here one report) past the budget, the active one too,
    // so a restart loads at most that much into memory.
    const files = (await readdir(dir)).filter((f) => f.startsWith('reports-')).sort()
    for (const f of files) expect((await stat(join(dir, f))).size).toBeLessThan(budget + 9000)
    const s2 = await open(dir, { partitionMaxBytes: budget })
    expect(s2.reportCount).toBe(40)
    expect(s2.partitionCount).toBe(files.length)
    expect((await s2.query({ limit: 100 })).map((r) => r.seq)).toEqual(seqs)
    await store(s2, report('a', T0 + 100, { seq: 38, blob })) // a resend of a recent seq: deduped
    expect(s2.reportCount).toBe(40)
  })
})

describe('NedbActivePartition', () => {
  // Counted, not measured: a failed append is cut back to this size, so it must be the file's.
  it('knows its file size after every append, whatever the characters, and after a reload', async () => {
    const dir = await dirs.make()
    const open = async (): Promise<NedbReportPartitions> => {
      const partitions = new NedbReportPartitions({
        dir,
        openPartitionCache: 1,
        logger: silentLogger()
      })
      await partitions.open(() => undefined)
      return partitions
    }
    const partitions = await open()
    const active = await partitions.create(T0)
    const texts = ['plain', 'é ü ß', '温度 計', '🌡️ 21.5', 'lone \ud800 surrogate', '"quoted"\n\\']
    let id = 0
    for (const text of texts) {
      const batch = [text, text.repeat(3)].map((note) =>
        report('a', T0 + id, { _id: `id${String(id++).padStart(6, '0')}`, note })
      )
      await active.append(batch)
      expect(active.bytes).toBe((await stat(join(dir, active.name))).size)
    }
    await partitions.end()
    const reopened = await open()
    const { active: again } = await reopened.open(() => undefined)
    expect(again!.bytes).toBe((await stat(join(dir, again!.name))).size)
    await again!.append([
      report('a', T0 + id, { _id: `id${String(id).padStart(6, '0')}`, note: 'ä' })
    ])
    expect(again!.bytes).toBe((await stat(join(dir, again!.name))).size)
  })
})
