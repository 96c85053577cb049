import { describe, expect, it } from 'vitest'

import { csvText, csvValue } from '../../../../src/main/core/export/csv-cell'
import { ExportColumns } from '../../../../src/main/core/export/export-columns'
import {
  ChosenCsvRows,
  ChosenNdjsonRows,
  CsvRows,
  NdjsonRows
} from '../../../../src/main/core/export/report-rows'
import type { StoredReport } from '../../../../src/shared/ingest-protocol'
import { csvObjects, parseCsv } from '../../../support/csv'

const T = Date.UTC(2026, 11, 1, 8, 30, 15, 250)

function report(fields: Record<string, unknown>, i = 0): StoredReport {
  return {
    _id: `id-${String(i).padStart(4, '0')}`,
    device: 'pump-7',
    seq: i + 1,
    time: T + i,
    identity: 'anonymous',
    ...fields
  }
}

/** A whole CSV of every field, as an export writes it: columns from a first pass, then rows. */
function csvOf(reports: StoredReport[], maxColumns = 2000): string {
  const columns = new ExportColumns(maxColumns)
  for (const r of reports) columns.collect(r)
  const rows = new CsvRows(columns)
  return rows.header() + reports.map((r) => rows.row(r)).join('')
}

describe('a CSV export', () => {
  it('starts with the fixed columns, then one per field in the order first seen, nested as a.b', () => {
    const text = csvOf([
      report({ ts: 1000, temp: 55.5, motor: { rpm: 1450, hot: false } }, 0),
      report({ pressure: 4.2, motor: { rpm: 1460, amps: { l1: 3 } } }, 1)
    ])
    const lines = text.split('\r\n')
    expect(lines[0]).toBe(
      'time,time_ms,device,identity,seq,ts,temp,motor.rpm,motor.hot,pressure,motor.amps.l1'
    )
    expect(lines[1]).toBe(`2026-12-01T08:30:15.250Z,${T},pump-7,anonymous,1,1000,55.5,1450,false,,`)
    expect(lines[2]).toBe(`2026-12-01T08:30:15.251Z,${T + 1},pump-7,anonymous,2,,,1460,,4.2,3`)
    expect(lines[3]).toBe('') // every line ends in CRLF, the last one too
    expect(lines).toHaveLength(4)
  })

  it('quotes commas, quotes, CR, LF and spaces at either end, doubling the quotes (RFC 4180)', () => {
    const values = [
      'a,b',
      'say "hi"',
      'line one\nline two',
      'cr\ronly',
      'crlf\r\nend',
      ' leading',
      'trailing ',
      '\ttabbed',
      'plain'
    ]
    const text = csvOf([report(Object.fromEntries(values.map((v, i) => [`f${i}`, v])))])
    expect(text).toContain(
      ',"a,b","say ""hi""","line one\nline two","cr\ronly","crlf\r\nend"," leading","trailing ",'
    )
    // A tab first is a formula's start to a spreadsheet: guarded, so no longer at the edge.
    expect(text).toContain(",'\ttabbed,plain\r\n")
    const [row] = csvObjects(text)
    expect(values.map((_, i) => row![`f${i}`])).toEqual([
      ...values.slice(0, 7),
      "'\ttabbed",
      'plain'
    ])
  })

  it('keeps unicode as it is, in values and in field names', () => {
    const text = csvOf([report({ 温度: 21.5, Größe: 'Ölstand 😀', 名前: { 子: 'é' } })])
    const [header, row] = parseCsv(text)
    expect(header!.slice(6)).toEqual(['温度', 'Größe', '名前.子'])
    expect(row!.slice(6)).toEqual(['21.5', 'Ölstand 😀', 'é'])
  })

  it('writes arrays and empty objects as JSON text in their column', () => {
    const text = csvOf([report({ points: [1, 'two', { three: 3 }], empty: {}, list: [] })])
    const [row] = csvObjects(text)
    expect(row!.points).toBe('[1,"two",{"three":3}]')
    expect(row!.empty).toBe('{}')
    expect(row!.list).toBe('[]')
    expect(text).toContain(',"[1,""two"",{""three"":3}]",{},[]\r\n')
  })

  it('guards text a spreadsheet would run as a formula with an apostrophe, never a number', () => {
    const text = csvOf([
      report({
        a: '=HYPERLINK("http://x","click")',
        b: '+1+1',
        c: '-2',
        d: '@SUM(A1)',
        e: '\rcmd',
        f: -2,
        g: 'a=b',
        '=evil': 1
      })
    ])
    const [header, row] = parseCsv(text)
    expect(header!.slice(6)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', "'=evil"])
    expect(row!.slice(6)).toEqual([
      `'=HYPERLINK("http://x","click")`,
      "'+1+1",
      "'-2",
      "'@SUM(A1)",
      "'\rcmd",
      '-2',
      'a=b',
      '1'
    ])
  })

  it('guards a device id too: it comes from the device', () => {
    const text = csvOf([{ ...report({}), device: '=cmd|calc' }])
    expect(parseCsv(text)[1]![2]).toBe("'=cmd|calc")
  })

  it('writes numbers and booleans as JSON does, null and a missing field as an empty cell', () => {
    const text = csvOf([
      report({ n: 0, big: 1e21, small: 5e-7, neg: -0.5, yes: true, no: false, nothing: null }, 0),
      report({}, 1)
    ])
    const [first, second] = csvObjects(text)
    expect(first).toMatchObject({
      n: '0',
      big: '1e+21',
      small: '5e-7',
      neg: '-0.5',
      yes: 'true',
      no: 'false',
      nothing: ''
    })
    expect(Object.values(second!).slice(6)).toEqual(['', '', '', '', '', '', ''])
  })

  it('leaves seq and ts empty when a report has none, and never repeats _id or the fixed names', () => {
    const { seq: _seq, ...bare } = report({ temp: 1 })
    const text = csvOf([bare as StoredReport])
    const [header, row] = parseCsv(text)
    expect(header).toEqual(['time', 'time_ms', 'device', 'identity', 'seq', 'ts', 'temp'])
    expect(row!.slice(4)).toEqual(['', '', '1'])
  })

  it('shares one column between a dotted name and the nesting it spells', () => {
    const text = csvOf([report({ 'a.b': 1 }, 0), report({ a: { b: 2 } }, 1)])
    const [header, first, second] = parseCsv(text)
    expect(header!.slice(6)).toEqual(['a.b'])
    expect([first![6], second![6]]).toEqual(['1', '2'])
  })

  it('puts a field named like a fixed column into other_fields rather than a second column', () => {
    const text = csvOf([report({ time_ms: 'mine', temp: 3 })])
    const [row] = csvObjects(text)
    expect(Object.keys(row!)).toEqual([
      'time',
      'time_ms',
      'device',
      'identity',
      'seq',
      'ts',
      'temp',
      'other_fields'
    ])
    expect(row!.time_ms).toBe(String(T))
    expect(JSON.parse(row!.other_fields!)).toEqual({ time_ms: 'mine' })
  })

  it('lays out a report whose fields come in another order under the same columns', () => {
    const text = csvOf([report({ a: 1, b: 2 }, 0), report({ b: 3, a: 4 }, 1)])
    const rows = csvObjects(text)
    expect(rows.map((r) => [r.a, r.b])).toEqual([
      ['1', '2'],
      ['4', '3']
    ])
  })
})

describe('the columns of a CSV export', () => {
  it('stop at their bound: the fields past it go to other_fields as JSON, by dotted path', () => {
    const columns = new ExportColumns(3)
    const reports = [
      report({ a: 1, b: 2 }, 0),
      report({ c: { d: 3, e: 4 }, a: 5 }, 1),
      report({ f: 'six', c: { d: 7 }, g: [8] }, 2)
    ]
    for (const r of reports) columns.collect(r)
    expect(columns.names).toEqual(['a', 'b', 'c.d'])
    expect(columns.overflowed).toBe(true)
    const rows = new CsvRows(columns)
    expect(rows.header()).toBe('time,time_ms,device,identity,seq,ts,a,b,c.d,other_fields\r\n')
    const parsed = csvObjects(rows.header() + reports.map((r) => rows.row(r)).join(''))
    expect(parsed.map((r) => [r.a, r.b, r['c.d']])).toEqual([
      ['1', '2', ''],
      ['5', '', '3'],
      ['', '', '7']
    ])
    expect(parsed.map((r) => (r.other_fields === '' ? null : JSON.parse(r.other_fields!)))).toEqual(
      [null, { 'c.e': 4 }, { f: 'six', g: [8] }]
    )
  })

  it('make no node for a path past the bound, however many distinct names come', () => {
    const columns = new ExportColumns(10)
    for (let i = 0; i < 5000; i++)
      columns.collect(report({ [`f${i}`]: i, nest: { [`n${i}`]: i } }, i))
    expect(columns.names).toHaveLength(10)
    let nodes = 0
    const count = (children: typeof columns.root.children): void => {
      for (const child of children?.values() ?? []) {
        nodes += 1
        count(child.children)
      }
    }
    count(columns.root.children)
    expect(nodes).toBeLessThanOrEqual(11) // 10 leaves and the one `nest` on their way
  })

  it('has no other_fields column when every field has its own', () => {
    const columns = new ExportColumns(2)
    columns.collect(report({ a: 1, b: 2 }))
    expect(columns.overflowed).toBe(false)
    expect(new CsvRows(columns).header()).toBe('time,time_ms,device,identity,seq,ts,a,b\r\n')
  })
})

describe('a CSV export of chosen fields', () => {
  it('has their columns in the order asked, objects as JSON, a missing one empty', () => {
    const rows = new ChosenCsvRows(['motor.rpm', 'temp', 'motor', 'absent', 'a.b'])
    const text =
      rows.header() +
      rows.row(report({ temp: 5, motor: { rpm: 1450 }, 'a.b': 'literal', a: { b: 'nested' } }))
    const [header, row] = parseCsv(text)
    expect(header!.slice(6)).toEqual(['motor.rpm', 'temp', 'motor', 'absent', 'a.b'])
    // A top-level name with a dot in it comes first: it is what the report calls that.
    expect(row!.slice(6)).toEqual(['1450', '5', '{"rpm":1450}', '', 'literal'])
  })

  it('never reads into arrays', () => {
    const rows = new ChosenCsvRows(['list.0'])
    expect(parseCsv(rows.header() + rows.row(report({ list: [1, 2] })))[1]![6]).toBe('')
  })
})

describe('an NDJSON export', () => {
  it('is one stored report a line, as stored, round-tripping', () => {
    const rows = new NdjsonRows()
    const reports = [report({ temp: 'a "b"\nc', nested: { x: [1, null] } }, 0), report({}, 1)]
    const text = rows.header() + reports.map((r) => rows.row(r)).join('')
    expect(text.split('\n')).toHaveLength(3)
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown)
    ).toEqual(reports)
  })

  it('of chosen fields has _id, time, device and those fields under their dotted names', () => {
    const rows = new ChosenNdjsonRows(['motor.rpm', 'absent', 'temp'])
    const line = rows.row(report({ temp: 5, motor: { rpm: 1450 } }))
    expect(line.endsWith('}\n')).toBe(true)
    expect(JSON.parse(line)).toEqual({
      _id: 'id-0000',
      time: T,
      device: 'pump-7',
      'motor.rpm': 1450,
      temp: 5
    })
  })
})

describe('a CSV cell', () => {
  it('is the text itself when it needs nothing, and never empty text guarded', () => {
    const text = 'pump-7'
    expect(csvText(text)).toBe(text)
    expect(csvText('')).toBe('')
    expect(csvValue(undefined)).toBe('')
    expect(csvValue(Number.NaN)).toBe('')
  })
})
