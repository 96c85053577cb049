import { describe, expect, it } from 'vitest'

import { report, reportStores, store } from '../../../support/store'

const { dirs, open } = reportStores()
const DAY = 86_400_000
/** Report times in today's UTC day, so neither a day change nor retention by age interferes. */
const T0 = Math.floor(Date.now() / DAY) * DAY + 1000

describe('ReportStore', () => {
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
