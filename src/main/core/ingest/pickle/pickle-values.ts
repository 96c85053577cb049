/**
 * The values a pickle decodes to, and the few conversions from Python's encodings. A decoded
 * pickle is plain data a JSON line could carry: objects (dicts), arrays (lists, tuples, sets),
 * strings, numbers, booleans, null, and these two stand-ins.
 */

/** Python `bytes` (and `bytearray`): stored as its base64 text (`toJSON`), as JSON has no bytes. */
export class PickleBytes {
  constructor(readonly data: Buffer) {}

  toJSON(): string {
    return this.data.toString('base64')
  }

  /** Characters of its base64 text. */
  get textLength(): number {
    return Math.ceil(this.data.length / 3) * 4
  }
}

/**
 * A class or function a pickle named (GLOBAL, STACK_GLOBAL), only ever one of ALLOWED_GLOBALS:
 * a marker for the REDUCE that follows, never called, never resolved, never data.
 */
export class PickleGlobal {
  constructor(
    readonly module: string,
    readonly name: string
  ) {}
}

/**
 * What a pickle may name. `datetime.datetime` is the one class a report may hold; the others
 * are how Python's pickler writes data types at protocols 0–3 that later protocols have opcodes
 * for: `bytes` (`_codecs.encode(text, 'latin1')`, and `bytes()` for empty ones) and `set` (of a
 * list). Data too, decoded here, never called.
 */
const ALLOWED_GLOBALS = new Set([
  'datetime datetime',
  '_codecs encode',
  '__builtin__ bytes',
  'builtins bytes',
  '__builtin__ set',
  'builtins set'
])

export function allowedGlobal(module: string, name: string): PickleGlobal | null {
  return ALLOWED_GLOBALS.has(`${module} ${name}`) ? new PickleGlobal(module, name) : null
}

/** True for a decoded Python dict: what a report must be. */
export function isPickleDict(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof PickleBytes) &&
    !(value instanceof PickleGlobal)
  )
}

/**
 * A naive `datetime.datetime` from its pickled state (10 bytes: year, month, day, hour,
 * minute, second, microsecond), as epoch milliseconds read as UTC, microseconds kept as the
 * fraction. Null when the state is not a valid date and time.
 */
export function datetimeFromState(state: Buffer): number | null {
  if (state.length !== 10) return null
  const year = state.readUInt16BE(0)
  const month = state[2]! & 0x7f // the high bit is `fold` (protocol 4+)
  const day = state[3]!
  const [hour, minute, second] = [state[4]!, state[5]!, state[6]!]
  const micro = state.readUIntBE(7, 3)
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null
  if (hour > 23 || minute > 59 || second > 59 || micro > 999_999) return null
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(hour, minute, second, 0)
  return date.getTime() + micro / 1000
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function daysIn(year: number, month: number): number {
  return month === 2 && leap(year) ? 29 : DAYS_IN_MONTH[month - 1]!
}

function leap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

/**
 * A Python int as JSON can hold it: a number when it is a safe integer, else its decimal
 * digits as a string (a double would silently round it).
 */
export function fromBigInt(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString()
}

/** LONG1 / LONG4: a little-endian two's-complement integer of any length. */
export function decodeLong(bytes: Buffer): number | string {
  if (bytes.length === 0) return 0
  if (bytes.length <= 6) return bytes.readIntLE(0, bytes.length)
  let hex = ''
  for (let i = bytes.length - 1; i >= 0; i--) hex += bytes[i]!.toString(16).padStart(2, '0')
  let value = BigInt('0x' + hex)
  if (bytes[bytes.length - 1]! & 0x80) value -= 1n << BigInt(8 * bytes.length)
  return fromBigInt(value)
}

/** The text of INT and LONG (protocol 0): decimal digits; null when it is not one. */
export function decodeDecimal(text: string): number | string | null {
  if (!/^[+-]?\d+$/.test(text)) return null
  return text.length <= 15 ? Number(text) : fromBigInt(BigInt(text))
}

/** The text of FLOAT (protocol 0): Python's repr of a float; null when it is not one. */
export function decodeFloat(text: string): number | null {
  const special: Record<string, number> = {
    inf: Infinity,
    '+inf': Infinity,
    '-inf': -Infinity,
    nan: NaN,
    '-nan': NaN
  }
  const name = text.toLowerCase()
  if (name in special) return special[name]!
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return null
  return Number(text)
}

const utf8 = new TextDecoder('utf-8')
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** BINUNICODE & co.: UTF-8 (a lone surrogate Python let through becomes U+FFFD). */
export function decodeUtf8(bytes: Buffer): string {
  return utf8.decode(bytes)
}

/**
 * A Python 2 `str` (STRING, BINSTRING, SHORT_BINSTRING): bytes of no stated encoding, read as
 * UTF-8 when they are, else as Latin-1, so a legacy device's field names and text come through.
 */
export function decodeLegacyText(bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes)
  } catch {
    return bytes.toString('latin1')
  }
}

/** UNICODE (protocol 0): Latin-1 with `\uXXXX` and `\UXXXXXXXX` escapes; null when malformed. */
export function decodeRawUnicodeEscape(bytes: Buffer): string | null {
  const text = bytes.toString('latin1')
  let out = ''
  let i = 0
  while (i < text.length) {
    const slash = text.indexOf('\\', i)
    if (slash === -1) {
      out += text.slice(i)
      break
    }
    out += text.slice(i, slash)
    const kind = text[slash + 1]
    const digits = kind === 'u' ? 4 : kind === 'U' ? 8 : 0
    if (digits === 0) {
      out += '\\'
      i = slash + 1
      continue
    }
    const hex = text.slice(slash + 2, slash + 2 + digits)
    if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) return null
    const code = parseInt(hex, 16)
    if (code > 0x10ffff) return null
    out += String.fromCodePoint(code)
    i = slash + 2 + digits
  }
  return out
}

const SIMPLE_ESCAPES: Record<string, number> = {
  '\\': 0x5c,
  "'": 0x27,
  '"': 0x22,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  v: 0x0b
}

/** STRING (protocol 0): a Python 2 `str` repr in quotes, its escapes undone; null if malformed. */
export function decodeQuotedString(bytes: Buffer): string | null {
  const text = bytes.toString('latin1')
  const quote = text[0]
  if (text.length < 2 || (quote !== "'" && quote !== '"') || text[text.length - 1] !== quote)
    return null
  const body = text.slice(1, -1)
  const out: number[] = []
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i)
    if (c !== 0x5c) {
      out.push(c)
      continue
    }
    const next = body[i + 1]
    if (next === undefined) return null
    if (next in SIMPLE_ESCAPES) {
      out.push(SIMPLE_ESCAPES[next]!)
      i += 1
    } else if (next === '\n') {
      i += 1
    } else if (next === 'x') {
      const hex = body.slice(i + 2, i + 4)
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return null
      out.push(parseInt(hex, 16))
      i += 3
    } else if (/[0-7]/.test(next)) {
      const octal = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0]
      out.push(parseInt(octal, 8) & 0xff)
      i += octal.length
    } else {
      out.push(c)
    }
  }
  return decodeLegacyText(Buffer.from(out))
}
