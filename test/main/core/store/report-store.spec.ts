import { readdir, readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import type { ReportStore } from '../../../../src/main/core/store/report-store'
import type { StoredReport } from '../../../../src/shared/ingest-protocol'
import { openStore, report, store } from '../../../support/store'
import { tempDirs } from '../../../support/temp-dir'

const dirs = tempDirs()
const DAY = 86_400_000
/** Report times in today's UTC day, so neither a day change nor retention by age interferes. */
const T0 = Math.floor(Date.now() / DAY) * DAY + 1000
const opened: ReportStore[] = []

async function open(
  dir: string,
  overrides: Parameters<typeof openStore>[1] = {}
): Promise<ReportStore> {
  const s = await openStore(dir, overrides)
  opened.push(s)
  return s
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()))
  await dirs.cleanup()
})

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

  it('keeps reports and the dedup window across a restart', async () => {
    const dir = await dirs.make()
    const s1 = await open(dir)
    for (let i = 0; i < 10; i++) await store(s1, report('a', T0 + i, { seq: 100 + i }))
    await s1.close()
    const s2 = await open(dir)
    await store(s2, report('a', T0 + 20, { seq: 105 })) // a resend after the restart
    await store(s2, report('a', T0 + 21, { seq: 110 }))
    const kept = await s2.query({ limit: 100 })
    expect(kept.map((r) => r.seq)).toEqual([110, 109, 108, 107, 106, 105, 104, 103, 102, 101, 100])
  })

  it('recognises every re-sent seq after a restart, however the partition file is ordered', async () => {
    const dir = await dirs.make()
    const s1 = await open(dir, { dedupRuns: 16 })
    // Arrival order is not seq order (resends, several connections): shuffle deterministically.
    const seqs = Array.from({ length: 3000 }, (_, i) => 1_000_000 + ((i * 7919) % 3000))
    await Promise.all(seqs.map((seq, i) => store(s1, report('a', T0 + i, { seq }))))
    await s1.close()
    const s2 = await open(dir, { dedupRuns: 16 }) // loading rewrites the file in NeDB's _id order
    await s2.close()
    const s3 = await open(dir, { dedupRuns: 16 })
    await Promise.all(seqs.map((seq, i) => store(s3, report('a', T0 + 5000 + i, { seq }))))
    expect(s3.reportCount).toBe(3000)
  })

  it('recognises re-sent seqs of the newest closed partition after a restart', async () => {
    const dir = await dirs.make()
    const s1 = await open(dir, { partitionMaxReports: 100 })
    for (let i = 0; i < 150; i++) await store(s1, report('a', T0 + i, { seq: 500 + i }))
    await s1.close()
    const s2 = await open(dir, { partitionMaxReports: 100 })
    for (let i = 0; i < 150; i++) await store(s2, report('a', T0 + 1000 + i, { seq: 500 + i }))
    expect(s2.reportCount).toBe(150)
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

  it('keeps working when a callback throws', async () => {
    const dir = await dirs.make()
    const s = await open(dir)
    s.submit(report('a', T0, { seq: 1 }), () => {
      throw new Error('a careless caller')
    })
    await store(s, report('a', T0 + 1, { seq: 2 }))
    await store(s, report('a', T0 + 2, { seq: 3 }))
    expect(s.reportCount).toBe(3)
  })

  it('keeps query results whole and in order while writes roll partitions over', async () => {
    const dir = await dirs.make()
    const s = await open(dir, { partitionMaxReports: 100, maxBatch: 25 })
    const writes = Promise.all(
      Array.from({ length: 2000 }, (_, i) => store(s, report('a', T0 + i, { seq: i })))
    )
    let queries = 0
    while (s.reportCount < 2000 && queries < 500) {
      const got = await s.query({ limit: 10_000 })
      expect(new Set(got.map((r) => r.seq)).size).toBe(got.length)
      const seqs = got.map((r) => r.seq!)
      // Newest first and no gap: what a query sees is always a prefix of the arrival order.
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => (seqs[0] ?? 0) - i))
      queries += 1
    }
    await writes
    expect(queries).toBeGreaterThan(1)
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

  it('ages out the reports of a quiet console, whose partition never closed by itself', async () => {
    const dir = await dirs.make()
    const first = await open(dir, { now: () => 10 * DAY })
    await store(first, report('a', 10 * DAY, { seq: 1 }))
    await first.close()
    const later = await open(dir, { retentionDays: 30, now: () => 45 * DAY })
    expect(later.reportCount).toBe(0)
    expect(await later.query({ limit: 10 })).toEqual([])
  })

  it('orders reports received in the same millisecond by arrival, in open and closed partitions', async () => {
    const dir = await dirs.make()
    const s = await open(dir, { partitionMaxReports: 100 })
    await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        store(s, report('a', T0 + Math.floor(i / 50), { seq: i }))
      )
    )
    const seqs = (await s.query({ limit: 1000 })).map((r) => r.seq)
    expect(seqs).toEqual(Array.from({ length: 150 }, (_, i) => 149 - i))
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

  it('starts a new partition when the UTC day changes', async () => {
    const dir = await dirs.make()
    const s = await open(dir, { now: () => 20 * DAY })
    await store(s, report('a', 20 * DAY - 1))
    await store(s, report('a', 20 * DAY + 1))
    expect(s.partitionCount).toBe(2)
  })

  it('deletes the oldest partitions beyond the retention count', async () => {
    const dir = await dirs.make()
    const now = Date.now()
    const s = await open(dir, {
      partitionMaxReports: 1000,
      retentionReports: 2500,
      maxBatch: 500,
      now: () => now
    })
    for (let i = 0; i < 5000; i++) void s.submit(report('a', now + i, { seq: i }), () => undefined)
    await s.flush()
    await new Promise((r) => setTimeout(r, 100)) // retention runs right after a partition closes
    expect(s.reportCount).toBeLessThanOrEqual(3500)
    expect(s.reportCount).toBeGreaterThanOrEqual(2500)
    const oldest = (await s.query({ limit: 10_000 })).at(-1)!
    expect(oldest.seq).toBeGreaterThanOrEqual(1000) // the first partition is gone
  })

  it('deletes partitions older than the retention time at start', async () => {
    const dir = await dirs.make()
    const old = await open(dir, { partitionMaxReports: 100, now: () => 11 * DAY })
    await store(old, report('a', 10 * DAY))
    await store(old, report('a', 11 * DAY)) // closes the day-10 partition
    await old.close()
    const later = await open(dir, { retentionDays: 30, now: () => 40.5 * DAY })
    expect((await later.query({ limit: 10 })).map((r) => r.time)).toEqual([11 * DAY])
    expect(later.deviceSummaries()).toEqual([expect.objectContaining({ id: 'a', reports: 1 })])
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

  it('counts reports per device across closed and active partitions', async () => {
    const dir = await dirs.make()
    const s = await open(dir, { partitionMaxReports: 100 })
    for (let i = 0; i < 250; i++) await store(s, report(i < 200 ? 'a' : 'b', T0 + i))
    const summaries = Object.fromEntries(s.deviceSummaries().map((d) => [d.id, d]))
    expect(summaries.a).toEqual({
      id: 'a',
      identity: 'anonymous',
      firstSeen: T0,
      lastSeen: T0 + 199,
      reports: 200
    })
    expect(summaries.b).toMatchObject({ firstSeen: T0 + 200, lastSeen: T0 + 249, reports: 50 })
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

describe('batches of large reports', () => {
  it('commits them a bounded number of bytes at a time, letting other work run between batches', async () => {
    const dir = await dirs.make()
    const s = await open(dir, { maxBatchBytes: 256 * 1024 })
    const batches: number[] = []
    s.on('stored', (reports) => batches.push(reports.length))
    // Twenty reports of 60 KB as sent (the line limit allows them): one insert of all of them
    // would hold the event loop for the whole batch.
    let turnsBetween = 0
    const ticker = setInterval(() => (turnsBetween += 1), 0)
    const done = Array.from({ length: 20 }, (_, i) => {
      const r = report('big', T0 + i, { seq: i, blob: 'x'.repeat(60_000) })
      return new Promise<void>((resolve, reject) =>
        s.submit(r, (error) => (error ? reject(error) : resolve()), 60_000)
      )
    })
    await Promise.all(done)
    clearInterval(ticker)
    expect(batches.reduce((a, b) => a + b, 0)).toBe(20)
    expect(Math.max(...batches)).toBeLessThanOrEqual(4) // 4 × 60 KB ≤ 256 KiB
    expect(batches.length).toBeGreaterThanOrEqual(5)
    expect(turnsBetween).toBeGreaterThan(0)
  })

  it('says it is saturated once the queued reports reach their byte bound, and drains', async () => {
    const dir = await dirs.make()
    const s = await open(dir, { highWaterBytes: 1024 * 1024 })
    const done: Array<Promise<void>> = []
    for (let i = 0; i < 20 && !s.saturated; i++)
      done.push(
        new Promise((resolve) =>
          s.submit(report('big', T0 + i, { seq: i }), () => resolve(), 100_000)
        )
      )
    expect(s.saturated).toBe(true)
    expect(done.length).toBe(11) // 11 × 100 KB ≥ 1 MiB: the 11th reached the bound
    const drained = new Promise<void>((resolve) => s.once('drain', () => resolve()))
    await Promise.all(done)
    await drained
    expect(s.saturated).toBe(false)
  })
})
