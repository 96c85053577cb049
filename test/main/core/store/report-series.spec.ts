import { readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import type { ReportStore, ReportStoreOptions } from '../../../../src/main/core/store/report-store'
import type { SeriesBody, SeriesBucket, SeriesQuery } from '../../../../src/shared/history-types'
import type { StoredReport } from '../../../../src/shared/ingest-protocol'
import { capturingLogger } from '../../../support/log-lines'
import { openBackendStore, report, store } from '../../../support/store'
import { tempDirs } from '../../../support/temp-dir'

const MINUTE = 60_000
const HOUR = 3_600_000
/** Reports are received on one UTC day; the store's clock says that evening (no retention by age). */
const T0 = Date.UTC(2026, 11, 1, 8)
const NOW = Date.UTC(2026, 11, 1, 20)

const dirs = tempDirs()
const opened: ReportStore[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()))
  await dirs.cleanup()
})

/** A real store over a data dir, with the NeDB backend's partitions and rollups, as console.ts builds it. */
async function open(
  dataDir: string,
  overrides: Partial<ReportStoreOptions> = {}
): Promise<ReportStore> {
  const s = await openBackendStore(dataDir, { now: () => NOW, ...overrides })
  opened.push(s)
  return s
}

async function close(s: ReportStore): Promise<void> {
  opened.splice(opened.indexOf(s), 1)
  await s.close()
}

/** Stores each report as its own batch (a partition may close between any two). */
async function storeEach(s: ReportStore, reports: StoredReport[]): Promise<void> {
  for (const r of reports) await store(s, r)
}

const series = (s: ReportStore, query: Partial<SeriesQuery> & { since: number; until: number }) =>
  s.series({ device: 'pump', fields: ['v'], ...query })

const rollupsDir = (dataDir: string) => join(dataDir, 'reports', 'rollups')
const rollupFiles = async (dataDir: string) =>
  (await readdir(rollupsDir(dataDir)).catch(() => [] as string[])).sort()
const partitionFiles = async (dataDir: string) =>
  (await readdir(join(dataDir, 'reports'))).filter((f) => /^reports-\d+\.db$/.test(f)).sort()

function bucket(t: number, values: number[]): SeriesBucket {
  return {
    t,
    min: Math.min(...values),
    max: Math.max(...values),
    avg: values.reduce((a, b) => a + b, 0) / values.length,
    count: values.length,
    last: values.at(-1)!
  }
}

/** One report a second for `seconds`, from `start`, with integer values (sums stay exact). */
function everySecond(start: number, seconds: number, device = 'pump'): StoredReport[] {
  return Array.from({ length: seconds }, (_, i) =>
    report(device, start + i * 1000, { seq: i, v: (i * 7) % 13, w: i % 2 === 0 })
  )
}

describe('series from the report store', () => {
  it('chooses the smallest width that fits, and counts whole buckets on and off their edges', async () => {
    const s = await open(await dirs.make())
    await storeEach(s, [
      report('pump', T0 - 1, { v: 100 }),
      report('pump', T0, { v: 1 }),
      report('pump', T0 + MINUTE - 1, { v: 2 }),
      report('pump', T0 + MINUTE, { v: 3 }),
      report('pump', T0 + 2 * MINUTE - 1, { v: 4 }),
      report('pump', T0 + 2 * MINUTE, { v: 200 })
    ])
    const expected = [bucket(T0, [1, 2]), bucket(T0 + MINUTE, [3, 4])]
    // On the edges: [T0, T0 + 1 min] touches two minutes (30 s would be three buckets).
    const onEdges = await series(s, { since: T0, until: T0 + MINUTE, points: 2 })
    expect(onEdges).toEqual({
      device: 'pump',
      since: T0,
      until: T0 + MINUTE,
      bucketMs: MINUTE,
      series: [{ field: 'v', buckets: expected }]
    } satisfies SeriesBody)
    // Off them: the same two minutes, each bucket whole (it reaches outside the range).
    const offEdges = await series(s, { since: T0 + 30_000, until: T0 + 90_000, points: 2 })
    expect([offEdges.bucketMs, offEdges.series[0]!.buckets]).toEqual([MINUTE, expected])
    // One ms before an edge: until T0 + 1 min - 1 is one minute only.
    const one = await series(s, { since: T0, until: T0 + MINUTE - 1, points: 1 })
    expect([one.bucketMs, one.series[0]!.buckets]).toEqual([MINUTE, [bucket(T0, [1, 2])]])
    // Finer than a minute, read from the reports: 30 s buckets.
    const fine = await series(s, { since: T0, until: T0 + MINUTE, points: 3 })
    expect([fine.bucketMs, fine.series[0]!.buckets]).toEqual([
      30_000,
      [bucket(T0, [1]), bucket(T0 + 30_000, [2]), bucket(T0 + MINUTE, [3])]
    ])
  })

  it('picks widths by the range: a day in minutes, a month in half hours, with the default 1,500 points', async () => {
    const s = await open(await dirs.make())
    expect((await series(s, { since: NOW - 24 * HOUR, until: NOW })).bucketMs).toBe(MINUTE)
    expect((await series(s, { since: NOW - 30 * 24 * HOUR, until: NOW })).bucketMs).toBe(
      30 * MINUTE
    )
    expect((await series(s, { since: NOW - 15 * MINUTE, until: NOW })).bucketMs).toBe(1000)
  })

  it('leaves empty buckets out', async () => {
    const s = await open(await dirs.make())
    await storeEach(s, [
      report('pump', T0 + 10, { v: 1 }),
      report('pump', T0 + 5 * MINUTE, { v: 2 })
    ])
    const got = await series(s, { since: T0, until: T0 + 10 * MINUTE - 1, points: 10 })
    expect(got.series[0]!.buckets).toEqual([bucket(T0, [1]), bucket(T0 + 5 * MINUTE, [2])])
  })

  it('merges a bucket two partitions share, its last from the later one', async () => {
    const dataDir = await dirs.make()
    const s = await open(dataDir, { partitionMaxReports: 3 })
    await storeEach(
      s,
      [5, 9, 1, 7, 3].map((v, i) => report('pump', T0 + (i + 1) * 1000, { v }))
    )
    expect(s.partitionCount).toBe(2)
    // Written when the first partition closed.
    expect(await rollupFiles(dataDir)).toHaveLength(1)
    // A minute from the rollups, and 10 s from the reports: both partitions' values in one bucket.
    for (const [points, width] of [
      [1, MINUTE],
      [10, 10_000]
    ]) {
      const got = await series(s, { since: T0, until: T0 + MINUTE - 1, points })
      expect([got.bucketMs, got.series[0]!.buckets]).toEqual([width, [bucket(T0, [5, 9, 1, 7, 3])]])
    }
  })

  it('buckets by receive time, whatever the device’s own clock says', async () => {
    const s = await open(await dirs.make())
    await storeEach(s, [
      report('pump', T0 + 1000, { v: 1, ts: T0 + 5 * MINUTE }),
      report('pump', T0 + 2000, { v: 2, ts: T0 - HOUR }),
      report('pump', T0 + MINUTE + 1000, { v: 3, ts: T0 - 1 })
    ])
    const got = await series(s, { since: T0, until: T0 + 2 * MINUTE - 1, points: 2 })
    expect(got.series[0]!.buckets).toEqual([bucket(T0, [1, 2]), bucket(T0 + MINUTE, [3])])
    expect(
      (await s.series({ device: 'pump', fields: ['ts'], since: T0, until: T0 + MINUTE, points: 2 }))
        .series[0]!.buckets
    ).toEqual([])
  })

  it('answers several fields at once: nested ones, booleans as 0 and 1, and none for what is never a number', async () => {
    const dataDir = await dirs.make()
    const s = await open(dataDir, { partitionMaxReports: 2 })
    await storeEach(s, [
      report('pump', T0 + 1000, {
        seq: 1,
        v: 10,
        motor: { temp: 50, on: true },
        status: 'ok',
        list: [1, 2]
      }),
      report('pump', T0 + 2000, {
        seq: 2,
        v: 12,
        motor: { temp: 54, on: false },
        status: 'ok',
        list: [3]
      }),
      report('pump', T0 + 3000, {
        seq: 3,
        v: 11,
        motor: { temp: 52, on: true },
        status: 3,
        list: 4
      }),
      report('other', T0 + 4000, { v: 1000 })
    ])
    const fields = ['v', 'motor.temp', 'motor.on', 'status', 'list', 'seq', 'motor', 'missing', 'v']
    const expected = [
      { field: 'v', buckets: [bucket(T0, [10, 12, 11])] },
      { field: 'motor.temp', buckets: [bucket(T0, [50, 54, 52])] },
      { field: 'motor.on', buckets: [bucket(T0, [1, 0, 1])] },
      // A string in two reports, a number in the third: only the number counts.
      { field: 'status', buckets: [bucket(T0, [3])] },
      { field: 'list', buckets: [bucket(T0, [4])] },
      { field: 'seq', buckets: [] },
      { field: 'motor', buckets: [] },
      { field: 'missing', buckets: [] },
      { field: 'v', buckets: [bucket(T0, [10, 12, 11])] }
    ]
    for (const points of [1, 60]) {
      const got = await s.series({
        device: 'pump',
        fields,
        since: T0,
        until: T0 + MINUTE - 1,
        points
      })
      expect(got.series.map((f) => ({ field: f.field, buckets: merged(f.buckets, T0) }))).toEqual(
        expected
      )
    }
  })

  it('answers from rollups what it answers from the reports, bucket by bucket', async () => {
    const dataDir = await dirs.make()
    const s = await open(dataDir, { partitionMaxReports: 150 })
    await storeEach(s, everySecond(T0 + 17_000, 600))
    expect(s.partitionCount).toBe(4)
    const range = { since: T0, until: T0 + 11 * MINUTE - 1 }
    for (const field of ['v', 'w']) {
      const fromRollups = await s.series({ device: 'pump', fields: [field], ...range, points: 11 })
      const fromReports = await s.series({ device: 'pump', fields: [field], ...range, points: 22 })
      expect([fromRollups.bucketMs, fromReports.bucketMs]).toEqual([MINUTE, 30_000])
      expect(fromRollups.series[0]!.buckets).toHaveLength(11)
      expect(fromRollups.series[0]!.buckets).toEqual(byMinute(fromReports.series[0]!.buckets))
    }
  })

  it('answers the same after a restart: the active partition’s rollup rebuilt, the closed ones read', async () => {
    const dataDir = await dirs.make()
    const s1 = await open(dataDir, { partitionMaxReports: 200 })
    await storeEach(s1, everySecond(T0, 500))
    const query = {
      device: 'pump',
      fields: ['v', 'w'],
      since: T0,
      until: T0 + 9 * MINUTE,
      points: 10
    }
    const before = await s1.series(query)
    await close(s1)
    const s2 = await open(dataDir, { partitionMaxReports: 200 })
    expect(await s2.series(query)).toEqual(before)
    expect(before.series[0]!.buckets.reduce((n, b) => n + b.count, 0)).toBe(500)
  })

  it('rebuilds a rollup whose file was deleted or spoilt, and answers the same before and after', async () => {
    const dataDir = await dirs.make()
    const s1 = await open(dataDir, { partitionMaxReports: 200 })
    await storeEach(s1, everySecond(T0, 500))
    const query = { device: 'pump', fields: ['v'], since: T0, until: T0 + 9 * MINUTE, points: 10 }
    const before = await s1.series(query)
    const files = await rollupFiles(dataDir)
    expect(files).toHaveLength(2)
    await close(s1)
    // Deleted while the store was stopped (or a data dir of the release before rollups): the
    // partitions are read meanwhile, and their rollups rebuilt in the background at open.
    await rm(rollupsDir(dataDir), { recursive: true })
    const first = capturingLogger()
    const s2 = await open(dataDir, { partitionMaxReports: 200, logger: first.logger })
    expect(await s2.series(query)).toEqual(before)
    await s2.rollupsRebuilt()
    expect(await rollupFiles(dataDir)).toEqual(files)
    expect(
      first.lines.filter((l) => l.msg === 'rebuilt the rollup of a partition from its reports')
    ).toHaveLength(2)
    expect(await s2.series(query)).toEqual(before)
    await close(s2)
    // Spoilt (a power cut's garbage): found when it is read, read around, and rebuilt.
    await writeFile(join(rollupsDir(dataDir), files[0]!), 'garbage\n')
    const second = capturingLogger()
    const s3 = await open(dataDir, { partitionMaxReports: 200, logger: second.logger })
    expect(await s3.series(query)).toEqual(before)
    await s3.rollupsRebuilt()
    expect(second.lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        'a rollup file could not be read: the partition is read instead, and its rollup rebuilt',
        'rebuilt the rollup of a partition from its reports'
      ])
    )
    expect(await s3.series(query)).toEqual(before)
  })

  it('deletes a partition’s rollup with the partition, at retention', async () => {
    const dataDir = await dirs.make()
    const s = await open(dataDir, { partitionMaxReports: 2, retentionReports: 4 })
    await storeEach(s, everySecond(T0, 9))
    await s.flush() // retention runs after the batch that closed a partition
    // Five partitions were made, four closed (each with its rollup); retention deleted some.
    const partitions = await partitionFiles(dataDir)
    expect(partitions.length).toBeLessThan(5)
    expect(await rollupFiles(dataDir)).toEqual(
      partitions.slice(0, -1).map((p) => p.replace(/\.db$/, '.ndjson'))
    )
    const got = await series(s, { since: T0, until: T0 + MINUTE - 1, points: 1 })
    expect(got.series[0]!.buckets[0]!.count).toBe(s.reportCount)
  })

  it('reads the reports of fields past a report’s 64 rolled-up values', async () => {
    const dataDir = await dirs.make()
    const s = await open(dataDir, { partitionMaxReports: 2 })
    const wide = (order: number[], time: number, add: number) =>
      report('pump', time, Object.fromEntries(order.map((i) => [`f${i}`, i + add])))
    const ascending = Array.from({ length: 100 }, (_, i) => i)
    await storeEach(s, [
      wide(ascending, T0 + 1000, 0),
      // f99 first: within this report's 64, rolled up from here on, but missing the first report's.
      wide([...ascending].reverse(), T0 + 2000, 1),
      wide(ascending, T0 + 3000, 2)
    ])
    const fields = ['f0', 'f63', 'f64', 'f80', 'f99']
    const expected = fields.map((field) => {
      const i = Number(field.slice(1))
      return { field, buckets: [bucket(T0, [i, i + 1, i + 2])] }
    })
    const query = { device: 'pump', fields, since: T0, until: T0 + MINUTE - 1, points: 1 }
    expect((await s.series(query)).series).toEqual(expected)
    await close(s)
    expect((await (await open(dataDir, { partitionMaxReports: 2 })).series(query)).series).toEqual(
      expected
    )
  })

  it('stops a rollup at its bound, says so once, and answers from the reports', async () => {
    const dataDir = await dirs.make()
    const { logger, lines } = capturingLogger()
    const limits = { valuesPerReport: 64, maxBuckets: 20, maxFields: 100 }
    const options = { partitionMaxReports: 30, rollupLimits: limits, logger }
    const s = await open(dataDir, options)
    // A report a minute: a new minute bucket each, past 20 buckets within the first partition.
    const reports = Array.from({ length: 40 }, (_, i) => report('pump', T0 + i * MINUTE, { v: i }))
    await storeEach(s, reports)
    const query = { since: T0, until: T0 + 40 * MINUTE - 1, points: 40 }
    const expected = reports.map((r, i) => bucket(T0 + i * MINUTE, [i]))
    expect((await series(s, query)).series[0]!.buckets).toEqual(expected)
    expect(
      lines.filter((l) =>
        String(l.msg).startsWith('the rollup of the active partition reached its bound')
      )
    ).toHaveLength(1)
    await close(s)
    expect((await series(await open(dataDir, options), query)).series[0]!.buckets).toEqual(expected)
  })
})

/** Buckets of one minute made of finer ones (as the rollups would give them). */
function byMinute(buckets: SeriesBucket[]): SeriesBucket[] {
  const out = new Map<number, SeriesBucket[]>()
  for (const b of buckets) {
    const t = b.t - (b.t % MINUTE)
    out.set(t, [...(out.get(t) ?? []), b])
  }
  return [...out].map(([t, parts]) => {
    const count = parts.reduce((n, p) => n + p.count, 0)
    // Integer values: each part's sum is exact.
    const sum = parts.reduce((n, p) => n + Math.round(p.avg * p.count), 0)
    return {
      t,
      min: Math.min(...parts.map((p) => p.min)),
      max: Math.max(...parts.map((p) => p.max)),
      avg: sum / count,
      count,
      last: parts.at(-1)!.last
    }
  })
}

/** The buckets of a field in one bucket from `t` (what a series of one point would answer). */
function merged(buckets: SeriesBucket[], t: number): SeriesBucket[] {
  if (buckets.length === 0) return []
  return [{ ...byMinute(buckets)[0]!, t }]
}
