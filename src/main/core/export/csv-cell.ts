/**
 * One CSV cell (RFC 4180) of a value from a device or an operator, safe to open in a
 * spreadsheet. Called for every cell of an export of millions of rows: a text that needs
 * nothing (the usual case) is returned as it is, with no copy.
 */

/** What makes a text need quotes: a comma, a quote, a line break. */
const NEEDS_QUOTES = /[",\r\n]/

/**
 * A text cell. Text a spreadsheet would take for a formula — starting with `=`, `+`, `-`, `@`,
 * a tab or a CR (OWASP's list) — gets a leading apostrophe, which spreadsheets show as text and
 * hide: device ids, identities, field names and string values all come from devices. A cell
 * with a comma, quote, CR or LF, or with a space or tab at either end (some readers trim them),
 * is quoted, its quotes doubled.
 */
export function csvText(text: string): string {
  if (text.length === 0) return text
  const first = text.charCodeAt(0)
  const safe =
    first === 0x3d ||
    first === 0x2b ||
    first === 0x2d ||
    first === 0x40 ||
    first === 9 ||
    first === 13
      ? `'${text}`
      : text
  return NEEDS_QUOTES.test(safe) || edgeSpace(safe) ? quoted(safe) : safe
}

/** JSON text (an array, an object): quoted when it needs it, never taken for a formula. */
export function csvJson(value: unknown): string {
  const text = JSON.stringify(value)
  return NEEDS_QUOTES.test(text) ? quoted(text) : text
}

/**
 * A stored value as its cell: numbers and booleans as JSON writes them (a negative number is
 * a number, never guarded), text through csvText, null as an empty cell (as a missing field:
 * NDJSON tells the two apart), arrays and objects as their JSON text.
 */
export function csvValue(value: unknown): string {
  switch (typeof value) {
    case 'number':
      // The same digits as String(), but String() keeps each result in V8's number-string
      // cache, which holds it past the young generation: an export of 2,000,000 rows grew the
      // old space by 70 MB of such garbage, and ran slower. JSON's writer does not cache.
      return Number.isFinite(value) ? JSON.stringify(value) : ''
    case 'string':
      return csvText(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'object':
      return value === null ? '' : csvJson(value)
    default:
      return ''
  }
}

function edgeSpace(text: string): boolean {
  const first = text.charCodeAt(0)
  const last = text.charCodeAt(text.length - 1)
  return first === 32 || first === 9 || last === 32 || last === 9
}

function quoted(text: string): string {
  return `"${text.replace(/"/g, '""')}"`
}
