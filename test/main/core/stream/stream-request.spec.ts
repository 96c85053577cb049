import { describe, expect, it } from 'vitest'

import { ReportIds } from '../../../../src/main/core/store/report-ids'
import { deviceFilter } from '../../../../src/main/core/stream/device-filter'
import {
  parseStreamRequest,
  STREAM_REQUEST_REFUSALS as R
} from '../../../../src/main/core/stream/stream-request'

describe('parseStreamRequest', () => {
  it('reads patterns repeated and comma-separated, and where to start', () => {
    const id = new ReportIds().next()
    expect(parseStreamRequest('')).toEqual({ request: { patterns: null, start: 'now' } })
    expect(parseStreamRequest(`device=a*,b%3F&device=c&after=${id}`)).toEqual({
      request: { patterns: ['a*', 'b?', 'c'], start: { after: id } }
    })
    expect(parseStreamRequest('since=1795393000000')).toEqual({
      request: { patterns: null, start: { since: 1_795_393_000_000 } }
    })
    expect(parseStreamRequest('since=2026-11-23T09:00:00%2B01:00')).toEqual({
      request: { patterns: null, start: { since: Date.parse('2026-11-23T08:00:00Z') } }
    })
  })

  it('takes as after only ids the store issues', () => {
    const ids = new ReportIds(Date.parse('2100-01-01T00:00:00Z'))
    for (let i = 0; i < 3; i++)
      expect('request' in parseStreamRequest(`after=${ids.next()}`)).toBe(true)
    for (const bad of ['', 'abc', 'x'.repeat(40), 'lz0000000aaaa0000000%20', '../../etc'])
      expect(parseStreamRequest(`after=${bad}`)).toEqual({ refused: R.badAfter })
  })

  it('refuses a key outright, before anything else it finds', () => {
    expect(parseStreamRequest('devices=x&key=abc')).toEqual({ refused: R.keyInUrl })
    expect(parseStreamRequest('key=')).toEqual({ refused: R.keyInUrl })
  })
})

describe('deviceFilter', () => {
  it('matches as device tokens do, and hands the store exact ids only when no pattern is wild', () => {
    const wild = deviceFilter(['plc-*', 'line-?'])
    expect(['plc-1', 'plc-hall-2/a', 'line-1', 'line-12', 'pump'].map((d) => wild.test(d))).toEqual(
      [true, true, true, false, false]
    )
    expect(wild.devices).toBeUndefined()
    const exact = deviceFilter(['a', 'b', 'a'])
    expect(exact.devices).toEqual(['a', 'b'])
    expect([exact.test('a'), exact.test('c')]).toEqual([true, false])
    expect(deviceFilter(null).test('anything')).toBe(true)
  })
})
