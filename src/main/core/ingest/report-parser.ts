import { z } from 'zod'

import {
  INGEST_LIMITS,
  RESERVED_REPORT_FIELDS,
  type ErrorReply,
  type StoredReport
} from '../../../shared/ingest-protocol'
import type { DeviceAuthenticator } from './device-auth'

export type ParseResult = { ok: true; report: StoredReport } | { ok: false; reply: ErrorReply }

const deviceLimit = INGEST_LIMITS.deviceIdMaxLength

/** The four fields the protocol names; everything else is payload and passes as sent. */
const headerSchema = z.object({
  device: z
    .string({ error: 'required, a string' })
    .min(1, 'must not be empty')
    .max(deviceLimit, `at most ${deviceLimit} characters`),
  auth: z
    .string({ error: 'must be a string' })
    .max(INGEST_LIMITS.authMaxLength, 'too long')
    .optional(),
  seq: z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(0, 'must not be negative')
    .max(Number.MAX_SAFE_INTEGER, 'too large')
    .optional(),
  ts: z.number({ error: 'must be a number (epoch ms)' }).finite().optional()
})

const reserved = new Set<string>(RESERVED_REPORT_FIELDS)
const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Turns one line into a stored report or an error reply. Pure apart from the authenticator:
 * the caller supplies the receive time.
 */
export class ReportParser {
  constructor(private readonly auth: DeviceAuthenticator) {}

  parse(line: Buffer, receivedAt: number): ParseResult {
    let text: string
    try {
      text = utf8.decode(line)
    } catch {
      return fail('bad_json', 'line is not valid UTF-8')
    }
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      return fail('bad_json', `not valid JSON: ${(error as Error).message}`)
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return fail('not_object', 'a report must be a JSON object')
    }
    const fields = value as Record<string, unknown>
    const seq = readableSeq(fields.seq)
    const header = headerSchema.safeParse({
      device: fields.device,
      auth: fields.auth,
      seq: fields.seq,
      ts: fields.ts
    })
    if (!header.success) {
      const issue = header.error.issues[0]
      return fail('invalid_field', `${issue?.path.join('.')}: ${issue?.message}`, seq)
    }
    const badName = findBadFieldName(fields)
    if (badName !== null) return fail('invalid_field', badName, seq)

    const identity = this.auth.identify(header.data.auth, header.data.device)
    if (!identity.ok) return fail('unauthorized', identity.message, seq)
    delete fields.auth
    fields.time = receivedAt
    fields.identity = identity.identity
    return { ok: true, report: fields as StoredReport }
  }
}

function fail(error: ErrorReply['error'], message: string, seq?: number): ParseResult {
  return { ok: false, reply: seq === undefined ? { error, message } : { error, message, seq } }
}

function readableSeq(seq: unknown): number | undefined {
  return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0 ? seq : undefined
}

/**
 * Fields the store cannot keep faithfully, found without recursion (a deeply nested line must
 * not exhaust the stack): `$`-prefixed and dotted names (NeDB refuses them), `__proto__` (it
 * would re-parent the stored copy), the console's own top-level names, numbers beyond a double's
 * range, and nesting deeper than INGEST_LIMITS.maxDepth. Returns a message, or null when all is
 * fine.
 */
function findBadFieldName(report: Record<string, unknown>): string | null {
  for (const name of Object.keys(report)) {
    if (reserved.has(name)) return `${name}: reserved, the console sets it`
  }
  const stack: Array<{ value: object; depth: number }> = [{ value: report, depth: 1 }]
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!
    if (depth > INGEST_LIMITS.maxDepth) return `nested deeper than ${INGEST_LIMITS.maxDepth} levels`
    const isArray = Array.isArray(value)
    for (const [name, child] of Object.entries(value)) {
      if (!isArray) {
        if (name.startsWith('$')) return `${name}: field names must not start with "$"`
        if (name.includes('.')) return `${name}: field names must not contain "."`
        if (name === '__proto__') return '__proto__: not allowed as a field name'
      }
      // JSON allows 1e999; JavaScript reads it as Infinity, which the store would write as null:
      // the report would change between the live view and history. Refused instead.
      if (typeof child === 'number' && !Number.isFinite(child))
        return `${name}: number out of range (beyond ±1.8e308)`
      if (typeof child === 'object' && child !== null)
        stack.push({ value: child, depth: depth + 1 })
    }
  }
  return null
}
