import { STREAM_LIMITS, STREAM_PARAMS } from '../../../shared/history-types'
import { parseTimeBound } from '../operations/request-schemas'
import { isReportId } from '../store/report-ids'

/** Where a stream begins: after a report it names, at a receive time, or with what comes next. */
export type StreamStart = { after: string } | { since: number } | 'now'

/** A `/stream` request's parameters, checked. */
export interface StreamRequest {
  /** `device=` patterns; null: every device. */
  patterns: string[] | null
  start: StreamStart
}

/**
 * What a refusal says: the close reason, which a WebSocket close frame holds at most 123 bytes
 * of, so each says what to do in few words and none repeats what was sent.
 */
export const STREAM_REQUEST_REFUSALS = {
  keyInUrl:
    'a key in the URL is refused: send "Authorization: Bearer <key>" or a first message {"key":"<key>"}',
  tooLong: `the query string is longer than ${STREAM_LIMITS.maxQueryBytes} bytes`,
  unknown: 'unknown parameter: /stream takes device, after and since',
  both: 'after and since exclude each other: give one of them',
  twice: 'after and since: give each at most once',
  badAfter: 'after: not a report id: resume with the _id of the last report received',
  badSince: 'since: epoch ms or ISO 8601 with an offset, e.g. 2026-11-23T08:00:00Z',
  tooMany: `device: at most ${STREAM_LIMITS.maxPatterns} patterns`,
  empty: 'device: a pattern must not be empty',
  longPattern: `device: a pattern has at most ${STREAM_LIMITS.maxPatternLength} characters`
} as const

/**
 * Reads a `/stream` query string (what follows `?`, as sent): `device=` patterns (repeated or
 * comma-separated), and `after=<report id>` or `since=<epoch ms | ISO 8601>`. A key here is
 * refused outright, never read: a URL ends up in proxies' and shells' histories.
 */
export function parseStreamRequest(
  query: string
): { request: StreamRequest } | { refused: string } {
  if (Buffer.byteLength(query) > STREAM_LIMITS.maxQueryBytes)
    return { refused: STREAM_REQUEST_REFUSALS.tooLong }
  const params = new URLSearchParams(query)
  if (params.has('key')) return { refused: STREAM_REQUEST_REFUSALS.keyInUrl }
  for (const name of params.keys())
    if (!(STREAM_PARAMS as readonly string[]).includes(name))
      return { refused: STREAM_REQUEST_REFUSALS.unknown }

  const patterns: string[] = []
  for (const value of params.getAll('device'))
    for (const pattern of value.split(',')) {
      if (pattern === '') return { refused: STREAM_REQUEST_REFUSALS.empty }
      if (pattern.length > STREAM_LIMITS.maxPatternLength)
        return { refused: STREAM_REQUEST_REFUSALS.longPattern }
      if (patterns.length === STREAM_LIMITS.maxPatterns)
        return { refused: STREAM_REQUEST_REFUSALS.tooMany }
      patterns.push(pattern)
    }

  const after = params.getAll('after')
  const since = params.getAll('since')
  if (after.length > 1 || since.length > 1) return { refused: STREAM_REQUEST_REFUSALS.twice }
  if (after.length > 0 && since.length > 0) return { refused: STREAM_REQUEST_REFUSALS.both }
  let start: StreamStart = 'now'
  if (after.length > 0) {
    if (!isReportId(after[0]!)) return { refused: STREAM_REQUEST_REFUSALS.badAfter }
    start = { after: after[0]! }
  } else if (since.length > 0) {
    try {
      start = { since: parseTimeBound('since', since[0]!) }
    } catch {
      return { refused: STREAM_REQUEST_REFUSALS.badSince }
    }
  }
  return { request: { patterns: patterns.length === 0 ? null : patterns, start } }
}
