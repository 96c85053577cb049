import { z } from 'zod'

import {
  INGEST_LIMITS,
  RESERVED_REPORT_FIELDS,
  type ErrorReply,
  type StoredReport
} from '../../../../shared/ingest-protocol'
import type { DeviceAuthenticator } from './device-auth'
import { findInvisibleCharacter } from './invisible-characters'
import { whyNotStorable } from './storable-document'

export type ParseResult = { ok: true; report: StoredReport } | { ok: false; reply: ErrorReply }

/** What a transport already knows of a message's sender, beyond what the message says. */
export interface KnownSender {
  /** The device the message is from: a report without `device` takes it; another is refused. */
  readonly device?: string
  /** An identity the transport established itself: stored as given, `auth` not consulted. */
  readonly identity?: string
}

const deviceLimit = INGEST_LIMITS.deviceIdMaxLength

/** The four fields the protocol names; everything else is payload and passes as sent. */
const headerSchema = z.object({
  device: z
    .string({ error: 'required, a string' })
    .min(1, 'must not be empty')
    .max(deviceLimit, `at most ${deviceLimit} characters`)
    .superRefine((device, context) => {
      const invisible = findInvisibleCharacter(device)
      if (invisible !== null)
        context.addIssue({
          code: 'custom',
          message: `must not contain the invisible character ${invisible}`
        })
    }),
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
 * the caller supplies the receive time, and what its transport knows of the sender.
 */
export class ReportParser {
  constructor(private readonly auth: DeviceAuthenticator) {}

  parse(line: Buffer, receivedAt: number, sender?: KnownSender): ParseResult {
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
    if (sender?.device !== undefined) {
      if (fields.device === undefined) fields.device = sender.device
      else if (fields.device !== sender.device)
        return fail(
          'invalid_field',
          `device: this message can only be from "${sender.device}"`,
          seq
        )
    }
    let header: Header
    if (isPlainHeader(fields)) header = fields
    else {
      const checked = headerSchema.safeParse({
        device: fields.device,
        auth: fields.auth,
        seq: fields.seq,
        ts: fields.ts
      })
      if (!checked.success) {
        const issue = checked.error.issues[0]
        return fail('invalid_field', `${issue?.path.join('.')}: ${issue?.message}`, seq)
      }
      header = checked.data
    }
    const badField = findBadField(fields)
    if (badField !== null) return fail('invalid_field', badField, seq)

    let identity = sender?.identity
    if (identity === undefined) {
      const identified = this.auth.identify(header.auth, header.device)
      if (!identified.ok) return fail('unauthorized', identified.message, seq)
      identity = identified.identity
    }
    delete fields.auth
    fields.time = receivedAt
    fields.identity = identity
    return { ok: true, report: fields as StoredReport }
  }
}

type Header = z.infer<typeof headerSchema>

/**
 * Whether the header fields are plainly what headerSchema accepts, checked without it: zod's
 * safeParse was half the time of parsing an ordinary report (profiled under the MQTT
 * benchmark), with a copy and a result object for each. Never more lenient than the schema (a
 * header it accepts, the schema accepts); anything else goes to the schema, which says what is
 * wrong.
 */
function isPlainHeader(
  fields: Record<string, unknown>
): fields is Record<string, unknown> & Header {
  const { device, auth, seq, ts } = fields
  return (
    typeof device === 'string' &&
    device.length >= 1 &&
    device.length <= deviceLimit &&
    findInvisibleCharacter(device) === null &&
    (auth === undefined ||
      (typeof auth === 'string' && auth.length <= INGEST_LIMITS.authMaxLength)) &&
    (seq === undefined || readableSeq(seq) !== undefined) &&
    (ts === undefined || (typeof ts === 'number' && Number.isFinite(ts)))
  )
}

function fail(error: ErrorReply['error'], message: string, seq?: number): ParseResult {
  return { ok: false, reply: seq === undefined ? { error, message } : { error, message, seq } }
}

function readableSeq(seq: unknown): number | undefined {
  return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0 ? seq : undefined
}

/** The console's own top-level names, then what no stored document may hold (whyNotStorable). */
function findBadField(report: Record<string, unknown>): string | null {
  for (const name of Object.keys(report)) {
    if (reserved.has(name)) return `${name}: reserved, the console sets it`
  }
  return whyNotStorable(report)
}
