import { describe, expect, it } from 'vitest'

import {
  exportFilename,
  reportExport,
  type ExportSource,
  type ReportExport
} from '../../../../src/main/core/export/report-export'
import type { ReportStore } from '../../../../src/main/core/store/report-store'
import type { StoredReport } from '../../../../src/shared/ingest-protocol'
import { csvObjects } from '../../../support/csv'
import { report, reportStores, store } from '../../../support/store'

const { dirs, open } = reportStores()
const DAY = 86_400_000
/** Report times in today's UTC day, so neither a day change nor retention by age interferes. */
const T0 = Math.floor(Date.now() / DAY) * DAY + 1000

async function text(made: ReportExport): Promise<string> {
  let all = ''
  for await (const chunk of made.chunks) all += chunk
  return all
}

/** A store of 3 partitions (10 reports each, the last one active) of two devices. */
async function filled(count = 25): Promise<ReportStore> {
  const s = await open(await dirs.make(), { partitionMaxReports: 10, maxBatch: 4 })
  for (let i = 0; i < count; i++)
    await store(
      s,
      report(i % 3 === 0 ? 'valve-2' : 'pump-7', T0 + i * 10, {
        seq: i,
        temp: 50 + i,
        ...(i === 20 && { late: { field: 'only here' } })
      })
    )
  return s
}

describe('an export of stored reports', () => {
  it('is every report of the range, oldest first, with the columns of all of them', async () => {
    const s = await filled()
    const made = reportExport(s, { format: 'csv' }, { now: T0 + DAY })
    const rows = csvObjects(await text(made))
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 25 }, (_, i) => i))
    expect(Object.keys(rows[0]!)).toEqual([
      'time',
      'time_ms',
      'device',
      'identity',
      'seq',
      'ts',
      'temp',
      'late.field'
    ])
    expect(rows[20]!['late.field']).toBe('only here')
    expect(rows[3]).toMatchObject({
      time: new Date(T0 + 30).toISOString(),
      time_ms: String(T0 + 30),
      device: 'valve-2',
      temp: '53'
    })
    expect(made.progress()).toEqual({ reports: 25, fraction: 1 })
    expect(made.contentType).toBe('text/csv; charset=utf-8')
  })

  it('selects one device and a time range; estimates from the partitions it reads', async () => {
    const s = await filled()
    const query = { format: 'ndjson' as const, device: 'valve-2', since: T0 + 35, until: T0 + 155 }
    const made = reportExport(s, query, { now: T0 + DAY })
    // valve-2 has 4 reports in the first partition (seq 0-9), 3 in the second (10-19) and 2 in
    // the active one (20-24); the range reaches the first two: 7 count, though 4 are in it.
    expect(s.partitionCount).toBe(3)
    expect(made.estimate).toBe(7)
    const lines = (await text(made)).trimEnd().split('\n')
    const reports = lines.map((l) => JSON.parse(l) as StoredReport)
    expect(reports.map((r) => r.seq)).toEqual([6, 9, 12, 15])
    expect(reports.every((r) => typeof r._id === 'string' && r.identity === 'anonymous')).toBe(true)
    expect(
      await s.query({ device: 'valve-2', since: T0 + 35, until: T0 + 155, limit: 100 })
    ).toEqual([...reports].reverse())
  })

  it('ends at `now` when no until is given: what was stored when it was asked for', async () => {
    const s = await filled()
    const made = reportExport(s, { format: 'ndjson' }, { now: T0 + 95 })
    expect((await text(made)).trimEnd().split('\n')).toHaveLength(10)
    expect(made.filename).toBe(`lookout-all-start-${compact(T0 + 95)}.ndjson`)
  })

  it('writes no field a report stored after its columns were taken brought, nor that report', async () => {
    const s = await filled()
    let scans = 0
    // The store itself, with a report stored as the rows begin.
    const source: ExportSource = {
      estimateScan: (q) => s.estimateScan(q),
      fieldPaths: (q) => s.fieldPaths(q),
      newestId: () => s.newestId(),
      scan: async function* (q) {
        if (++scans === 1) await store(s, report('pump-7', T0 + 500, { seq: 99, surprise: 1 }))
        yield* s.scan(q)
      }
    }
    const rows = csvObjects(await text(reportExport(source, { format: 'csv' }, { now: T0 + DAY })))
    expect(scans).toBe(1)
    expect(rows).toHaveLength(25)
    expect(Object.keys(rows[0]!)).not.toContain('surprise')
  })

  it('reads the range once for chosen fields, and once for NDJSON', async () => {
    const s = await filled()
    for (const query of [
      { format: 'csv' as const, fields: ['temp'] },
      { format: 'ndjson' as const }
    ]) {
      let scans = 0
      const source: ExportSource = {
        estimateScan: (q) => s.estimateScan(q),
        fieldPaths: (q) => s.fieldPaths(q),
        newestId: () => s.newestId(),
        scan: (q) => {
          scans += 1
          return s.scan(q)
        }
      }
      await text(reportExport(source, query, { now: T0 + DAY }))
      expect(scans).toBe(1)
    }
  })

  it('hands its text out in chunks of about the size asked, counting the reports in them', async () => {
    const s = await filled()
    const made = reportExport(s, { format: 'ndjson' }, { now: T0 + DAY, chunkChars: 300 })
    const sizes: number[] = []
    const counted: number[] = []
    for await (const chunk of made.chunks) {
      sizes.push(chunk.length)
      counted.push(made.progress().reports)
      expect(chunk.endsWith('\n')).toBe(true) // a chunk ends with a whole report
    }
    expect(sizes.length).toBeGreaterThan(5)
    expect(sizes.slice(0, -1).every((n) => n >= 300 && n < 600)).toBe(true)
    expect(counted.at(-1)).toBe(25)
    expect(counted).toEqual([...counted].sort((a, b) => a - b))
  })

  it('answers the header alone for a range with no report', async () => {
    const s = await filled()
    const made = reportExport(s, { format: 'csv', since: T0 + DAY }, { now: T0 + 2 * DAY })
    expect(await text(made)).toBe('time,time_ms,device,identity,seq,ts\r\n')
    expect(made.estimate).toBe(0)
    expect(made.progress()).toEqual({ reports: 0, fraction: 0 })
  })
})

describe('an export’s file name', () => {
  it('names the device (or all) and the range in compact UTC times', () => {
    const since = Date.UTC(2026, 10, 23, 8, 0, 0, 250)
    const until = Date.UTC(2026, 10, 24, 8, 0, 0)
    expect(exportFilename({ format: 'csv', device: 'pump-7', since }, until)).toBe(
      'lookout-pump-7-20261123T080000Z-20261124T080000Z.csv'
    )
    expect(exportFilename({ format: 'ndjson' }, until)).toBe(
      'lookout-all-start-20261124T080000Z.ndjson'
    )
  })
})

function compact(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '')
}
