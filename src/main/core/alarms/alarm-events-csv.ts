import type { AlarmEvent } from '../../../shared/alarm-types'
import { csvText } from '../export/csv-cell'

/**
 * One field, safe to open in a spreadsheet (see csvText): comments come from phones and
 * operators, device ids from devices.
 */
export const csvField = csvText

export const ALARM_EVENTS_CSV_HEADER = [
  'time_iso',
  'time_ms',
  'type',
  'alarm',
  'rule',
  'device',
  'severity',
  'state',
  'by',
  'via',
  'comment',
  'detail'
] as const

/**
 * The audit trail as CSV (RFC 4180, CRLF line ends): a header row, then a row per event, made
 * as the events arrive, so an export of any size runs in constant memory.
 */
export async function* alarmEventsCsv(events: AsyncIterable<AlarmEvent>): AsyncGenerator<string> {
  yield row(ALARM_EVENTS_CSV_HEADER)
  for await (const e of events) {
    yield row([
      isoTime(e.time),
      String(e.time),
      e.type,
      e.alarm,
      e.rule,
      e.device,
      e.severity,
      e.state,
      e.by,
      e.via,
      e.comment,
      e.detail === null || e.detail === undefined ? null : JSON.stringify(e.detail)
    ])
  }
}

/** ISO 8601 in UTC; empty for a time no date has (toISOString would throw). */
function isoTime(time: number): string {
  const date = new Date(time)
  return Number.isNaN(date.getTime()) ? '' : date.toISOString()
}

function row(fields: ReadonlyArray<string | null>): string {
  return fields.map((f) => csvField(f ?? '')).join(',') + '\r\n'
}
