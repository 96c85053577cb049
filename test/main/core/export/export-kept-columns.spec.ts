import { rm } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { reportExport, type ExportSource } from '../../../../src/main/core/export/report-export'
import type { ReportStore, ReportStoreOptions } from '../../../../src/main/core/store/report-store'
import type { ExportQuery } from '../../../../src/shared/history-types'
import type { StoredReport } from '../../../../src/shared/ingest-protocol'
import { parseCsv } from '../../../support/csv'
import { openBackendStore, report, store } from '../../../support/store'
import { tempDirs } from '../../../support/temp-dir'

const DAY = 86_400_000
/** Report times in today's UTC day, so neither a day change nor retention by age interferes. */
const T0 = Math.floor(Date.now() / DAY) * DAY + 1000

const dirs = tempDirs()
const opened: ReportStore[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()))
  await dirs.cleanup()
})

async function open(dataDir: string, overrides: Partial<ReportStoreOptions> = {}) {
  const s = await openBackendStore(dataDir, { partitionMaxReports: 6, ...overrides })
  opened.push(s)
  return s
}

/**
 * Reports whose fields a CSV's columns must follow exactly: paths first met in another device
 * than the one that has them later, nested objects, a field that is a number in one report and
 * an object in another, arrays, `{}`, null, strings, a name a fixed column has (`time_ms`),
 * unicode.
 */
const REPORTS: Array<[string, Record<string, unknown>]> = [
  ['pump-7', { temp: 50, status: 'ok' }],
  ['valve-2', { open: true, a: { b: 1 } }],
  ['pump-7', { motor: { rpm: 1200, état: 'marche' }, temp: 51 }],
  ['boiler', { levels: [1, 2, 3], extra: {}, note: null }],
  ['valve-2', { a: { b: 2, c: 'x' }, status: 'shut' }],
  ['pump-7', { motor: 7, time_ms: 'mine' }],
  ['boiler', { temp: 80, 温度: 81 }],
  ['pump-7', { late: { deep: { er: 'only here' } } }],
  ['valve-2', { open: false }],
  ['boiler', { extra: { now: 'filled' } }],
  ['pump-7', { temp: 52 }],
  ['valve-2', { a: { b: 3 }, last: 1 }],
  ['boiler', { 温度: 82 }],
  ['pump-7', { tail: 'end' }]
]

/** Stored one by one: 14 reports in partitions of 6, the last one active. */
async function filled(dataDir: string, overrides: Partial<ReportStoreOptions> = {}) {
  const s = await open(dataDir, overrides)
  for (const [i, [device, fields]] of REPORTS.entries())
    await store(s, report(device, T0 + i * 10, { seq: i, ...fields }))
  expect(s.partitionCount).toBe(3)
  return s
}

/** The store, with a count of the reports its column pass reads (not its rows). */
function counting(s: ReportStore): { source: ExportSource; read: () => number } {
  let read = 0
  return {
    read: () => read,
    source: {
      scan: (q) => s.scan(q),
      estimateScan: (q) => s.estimateScan(q),
      newestId: () => s.newestId(),
      fieldPaths: async function* (q) {
        for await (const part of s.fieldPaths(q)) {
          if ('reports' in part) read += part.reports.length
          yield part
        }
      }
    }
  }
}

/** The store, its columns taken from every report of the range, as before field paths were kept. */
function readingEveryReport(s: ReportStore): ExportSource {
  return {
    scan: (q) => s.scan(q),
    estimateScan: (q) => s.estimateScan(q),
    newestId: () => s.newestId(),
    fieldPaths: async function* (q) {
      for await (const reports of s.scan(q)) yield { reports }
    }
  }
}

async function csv(source: ExportSource, query: Omit<ExportQuery, 'format'> = {}) {
  let text = ''
  const made = reportExport(source, { format: 'csv', ...query }, { now: T0 + DAY })
  for await (const chunk of made.chunks) text += chunk
  return { rows: parseCsv(text), progress: made.progress() }
}

describe('the columns of a CSV export of every field', () => {
  it('are taken from the field paths the partitions keep, reading no report, and are those the reports make', async () => {
    const s = await filled(await dirs.make())
    const { source, read } = counting(s)
    const kept = await csv(source)
    const everyReport = await csv(readingEveryReport(s))
    expect(read()).toBe(0)
    expect(kept.rows).toEqual(everyReport.rows)
    expect(kept.rows[0]).toEqual(
      // prettier-ignore
      ['time', 'time_ms', 'device', 'identity', 'seq', 'ts', 'temp', 'status', 'open', 'a.b',
        'motor.rpm', 'motor.état', 'levels', 'extra', 'note', 'a.c', 'motor', 'other_fields',
        '温度', 'late.deep.er', 'extra.now', 'last', 'tail'].filter((c) => c !== 'other_fields')
        .concat('other_fields')
    )
    expect(kept.rows).toHaveLength(1 + REPORTS.length)
    expect(kept.progress.fraction).toBe(1)
  })

  it('of one device are that device’s, in the order it first stored them', async () => {
    const s = await filled(await dirs.make())
    const { source, read } = counting(s)
    const kept = await csv(source, { device: 'valve-2' })
    expect(read()).toBe(0)
    expect(kept.rows).toEqual((await csv(readingEveryReport(s), { device: 'valve-2' })).rows)
    expect(kept.rows[0]!.slice(6)).toEqual(['open', 'a.b', 'a.c', 'status', 'last'])
  })

  it('read the reports of a partition the range cuts, and only those', async () => {
    const s = await filled(await dirs.make())
    const { source, read } = counting(s)
    // From the third report (first partition cut) to the twelfth (the active one cut).
    const range = { since: T0 + 20, until: T0 + 110 }
    const kept = await csv(source, range)
    expect(kept.rows).toEqual((await csv(readingEveryReport(s), range)).rows)
    expect(read()).toBe(4 + 0 + 0) // the first partition's 4 in range; the active one's paths are cut
  })

  it('read the reports where no field paths are kept: a rollup lost, or one past its bound', async () => {
    const dataDir = await dirs.make()
    const first = await filled(dataDir)
    await first.close()
    opened.splice(0)
    await rm(join(dataDir, 'reports', 'rollups'), { recursive: true })
    // Rebuilt in the background: until then, the closed partitions' reports are read.
    const s = await open(dataDir, {
      rollupLimits: { valuesPerReport: 64, maxBuckets: 1e6, maxFields: 3 }
    })
    const { source, read } = counting(s)
    const kept = await csv(source)
    expect(kept.rows).toEqual((await csv(readingEveryReport(s))).rows)
    expect(kept.rows[0]).toContain('tail')
    expect(read()).toBeGreaterThan(0)
  })
})

export type { StoredReport }
