import { describe, expect, it } from 'vitest'

import {
  feedSummary,
  PART_CHARS,
  SUMMARY_CHARS
} from '../../../src/renderer/src/panels/feed-summary'
import type { StoredReport } from '../../../src/shared/ingest-protocol'

const report = (fields: Record<string, unknown>): StoredReport => ({
  _id: 'r1',
  device: 'pump-1',
  time: 1_000,
  identity: 'anonymous',
  seq: 7,
  ts: 990,
  ...fields
})

/** The summary as the row reads: `key=value key=value`. */
const line = (fields: Record<string, unknown>, lng = 'en'): string =>
  feedSummary(report(fields), lng)
    .map((p) => `${p.key}=${p.value}`)
    .join(' ')

describe('a feed row’s summary', () => {
  it('writes the measurements as key=value in the order sent, without the stamps, seq and ts', () => {
    expect(line({ temperature: 21.5, status: 'ok' })).toBe('temperature=21.5 status=ok')
    expect(line({})).toBe('')
  })

  it('writes numbers in the UI language’s format', () => {
    const fields = { flow: 1234567.891, tiny: 0.00012, whole: -42, zero: 0 }
    expect(line(fields, 'en')).toBe('flow=1,234,567.891 tiny=1.2E-4 whole=-42 zero=0')
    expect(line(fields, 'zh')).toBe('flow=1,234,567.891 tiny=1.2E-4 whole=-42 zero=0')
    // The language decides: one that groups otherwise groups otherwise.
    expect(line({ flow: 1234.5 }, 'de')).toBe('flow=1.234,5')
    expect(line({ pi: 3.14159265 }, 'zh')).toBe('pi=3.142')
  })

  it('writes nested objects as a.b, strings as sent, anything else as its JSON', () => {
    expect(
      line({
        motor: { rpm: 1450, bearing: { temp: 61.5 } },
        mode: 'auto run',
        quote: 'say "hi"',
        on: true,
        gone: null,
        list: [1, 'a'],
        deep: { a: { b: { c: { d: 1 } } } }
      })
    ).toBe(
      'motor.rpm=1,450 motor.bearing.temp=61.5 mode=auto run quote=say "hi" on=true gone=null list=[1,"a"] deep.a.b.c={"d":1}'
    )
  })

  it('writes invisible characters out, in names and in values', () => {
    expect(line({ '\u202eexe-txt': 1, 'p\u200b1': 2, p1: 3, note: 'a\u200bb\u0007' })).toBe(
      '\\u202eexe-txt=1 p\\u200b1=2 p1=3 note=a\\u200bb\\u0007'
    )
    // In JSON too: the array's string keeps its escape.
    expect(line({ list: ['x\u202ey'] })).toBe('list=["x\\u202ey"]')
  })

  it('is cut to what a row can show: long values, and a report of many fields', () => {
    const long = 'x'.repeat(PART_CHARS + 50)
    expect(line({ note: long })).toBe(`note=${'x'.repeat(PART_CHARS)}…`)
    // Never inside a surrogate pair.
    const emoji = '😀'.repeat(PART_CHARS + 1)
    expect(line({ e: emoji })).toBe(`e=${'😀'.repeat(PART_CHARS)}…`)
    const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`field${i}`, i]))
    const pairs = feedSummary(report(wide), 'en')
    expect(pairs.length).toBeLessThan(100)
    expect(pairs.map((p) => `${p.key}=${p.value}`).join(' ').length).toBeGreaterThanOrEqual(
      SUMMARY_CHARS
    )
    expect(pairs[0]).toEqual({ key: 'field0', value: '0' })
  })
})
