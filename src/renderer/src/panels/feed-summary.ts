import type { StoredReport } from '../../../shared/ingest-protocol'
import { formatReading } from '../format'
import { reportEntries } from '../state/report-fields'
import { revealInvisible, visibleJson } from '../visible-text'

/**
 * Characters of a row's summary: more than the widest row shows (its CSS cuts the rest with an
 * ellipsis), so a report of 10,000 fields is summed up by its first few.
 */
export const SUMMARY_CHARS = 400
/** A name or value longer than this is cut (with `…`): one 60 KB string would fill the budget. */
export const PART_CHARS = 120

/** One `key=value` of a summary, both as people read them (invisible characters written out). */
export interface SummaryPair {
  key: string
  value: string
}

/**
 * A feed row's one-line summary: the measurements as `key=value`, in the order the device sent
 * them, nested ones as `a.b`; numbers in the language's format, strings as sent (without
 * quotes), anything else (true, null, an array, an object nested too deep) as its JSON. The
 * sequence and the device's time are left out, as the console's stamps are: the row shows the
 * time, and the whole report is a click away.
 */
export function feedSummary(report: StoredReport, lng: string): SummaryPair[] {
  const pairs: SummaryPair[] = []
  let length = 0
  for (const [path, value] of reportEntries(report)) {
    if (length >= SUMMARY_CHARS) break
    const pair = { key: revealInvisible(cut(path)), value: valueText(value, lng) }
    pairs.push(pair)
    length += pair.key.length + pair.value.length + 2
  }
  return pairs
}

function valueText(value: unknown, lng: string): string {
  if (typeof value === 'number') return formatReading(value, lng)
  if (typeof value === 'string') return revealInvisible(cut(value))
  return cut(visibleJson(value))
}

/** `text` cut to PART_CHARS code points (never inside a surrogate pair), marked with `…`. */
function cut(text: string): string {
  if (text.length <= PART_CHARS) return text
  const points = Array.from(text)
  return points.length <= PART_CHARS ? text : `${points.slice(0, PART_CHARS).join('')}…`
}
