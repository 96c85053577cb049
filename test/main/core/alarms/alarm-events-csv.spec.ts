import { describe, expect, it } from 'vitest'

import { alarmEventsCsv, csvField } from '../../../../src/main/core/alarms/alarm-events-csv'
import type { AlarmEvent } from '../../../../src/shared/alarm-types'

const T = Date.UTC(2026, 11, 1, 8, 30, 15, 250)

const acked: AlarmEvent = {
  time: T,
  type: 'acked',
  alarm: 'tank-high/tank-1',
  rule: 'tank-high',
  device: 'tank-1',
  severity: 'high',
  state: 'active-acked',
  by: 'phone-1',
  via: 'push',
  comment: 'on it, "quickly"',
  detail: null
}

async function* from(events: AlarmEvent[]): AsyncGenerator<AlarmEvent> {
  yield* events
}

async function csv(events: AlarmEvent[]): Promise<string> {
  let text = ''
  for await (const chunk of alarmEventsCsv(from(events))) text += chunk
  return text
}

describe('the audit trail as CSV', () => {
  it('is a header row, then a row per event, RFC 4180 quoted', async () => {
    const flood: AlarmEvent = {
      ...acked,
      type: 'flood-started',
      alarm: null,
      rule: null,
      device: null,
      severity: null,
      state: null,
      by: 'system',
      via: 'system',
      comment: 'line one\r\nline two, and more',
      detail: { raised: 12, first: 'tank-high/tank-1' }
    }
    expect(await csv([acked, flood])).toBe(
      [
        'time_iso,time_ms,type,alarm,rule,device,severity,state,by,via,comment,detail',
        `2026-12-01T08:30:15.250Z,${T},acked,tank-high/tank-1,tank-high,tank-1,high,active-acked,phone-1,push,"on it, ""quickly""",`,
        `2026-12-01T08:30:15.250Z,${T},flood-started,,,,,,system,system,"line one\r\nline two, and more","{""raised"":12,""first"":""tank-high/tank-1""}"`,
        ''
      ].join('\r\n')
    )
    expect(await csv([])).toBe(
      'time_iso,time_ms,type,alarm,rule,device,severity,state,by,via,comment,detail\r\n'
    )
  })

  it('defuses what a spreadsheet would run as a formula', async () => {
    for (const lead of ['=', '+', '-', '@', '\t', '\r'])
      expect(csvField(`${lead}HYPERLINK("http://x")`)).toMatch(/^"?'/)
    expect(csvField('=1+1')).toBe("'=1+1")
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvField('-5')).toBe("'-5")
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`)
    expect(csvField('\rcmd')).toBe(`"'\rcmd"`)
    expect(csvField('a=b')).toBe('a=b')
    expect(csvField('')).toBe('')
    // In a row: a phone's comment and a device id alike.
    const row = (await csv([{ ...acked, device: '+cmd|/C calc', comment: '=2+5' }])).split(
      '\r\n'
    )[1]
    expect(row).toContain(",'+cmd|/C calc,")
    expect(row).toContain(",'=2+5,")
  })
})
