import { z } from 'zod'

import { INGEST_LIMITS } from '../../../shared/ingest-protocol'
import type { CreateDeviceTokenRequest } from '../../../shared/api-types'
import type { ReportQuery, SendMessageRequest } from '../../../shared/live-events'
import { whyNotStorable } from '../ingest/protocol/storable-document'
import { OperationError } from './operation-error'

// What a viewer may ask, checked the same way whether it comes over HTTP or the desktop
// window's IPC: the renderer is trusted no more than the network.

export const REPORTS_DEFAULT_LIMIT = 100
export const REPORTS_MAX_LIMIT = 10_000
export const DEVICES_DEFAULT_PAGE = 500
export const DEVICES_MAX_PAGE = 5000

const epochMs = z.number().int('must be whole milliseconds').nonnegative('must not be negative')

const reportQuerySchema = z.strictObject({
  device: z.string().min(1).max(INGEST_LIMITS.deviceIdMaxLength).optional(),
  since: epochMs.optional(),
  until: epochMs.optional(),
  limit: z
    .number({ error: `must be a whole number from 1 to ${REPORTS_MAX_LIMIT}` })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(REPORTS_MAX_LIMIT, `must be at most ${REPORTS_MAX_LIMIT}`)
    .default(REPORTS_DEFAULT_LIMIT)
})

const sendMessageSchema = z.object({
  to: z.string().min(1, 'must not be empty').max(256).optional(),
  // Kept in messages.db: held to the rules of every stored document, as reports are.
  data: z
    .unknown()
    .refine((d) => d !== undefined, 'required')
    .superRefine((data, context) => {
      const problem = whyNotStorable(data)
      if (problem !== null) context.addIssue({ code: 'custom', message: problem })
    })
})

const createTokenSchema = z.strictObject({
  identity: z.string().trim().min(1, 'must not be empty').max(INGEST_LIMITS.deviceIdMaxLength),
  devices: z
    .array(
      z.string().trim().min(1, 'a pattern must not be empty').max(INGEST_LIMITS.deviceIdMaxLength)
    )
    .max(50)
    .optional()
})

const requiredSchema = z.strictObject({ required: z.boolean() })

const pageLimit = `must be a whole number from 1 to ${DEVICES_MAX_PAGE}`
const devicePageSchema = z.strictObject({
  limit: z
    .number({ error: pageLimit })
    .int(pageLimit)
    .min(1, pageLimit)
    .max(DEVICES_MAX_PAGE, pageLimit)
    .default(DEVICES_DEFAULT_PAGE),
  after: z
    .string()
    .max(INGEST_LIMITS.deviceIdMaxLength, `at most ${INGEST_LIMITS.deviceIdMaxLength} characters`)
    .optional()
})

/**
 * The longest id a request may name: every id the console makes is far shorter, and a device id
 * is at most as long. A longer one is refused before it is looked up, so no answer (a 404's
 * message, a log line) ever repeats a megabyte someone sent.
 */
export const ID_MAX_LENGTH = INGEST_LIMITS.deviceIdMaxLength

const idSchema = (what: string) =>
  z
    .string({ error: `must be ${what}` })
    .min(1, `must be ${what}`)
    .max(ID_MAX_LENGTH, `at most ${ID_MAX_LENGTH} characters`)

/** A device token to make: the identity its reports get, and optionally the device ids allowed. */
export function parseCreateDeviceToken(input: unknown): CreateDeviceTokenRequest {
  return parse(createTokenSchema, input, 'the body must be an object { identity, devices? }')
}

export function parseTokensRequired(input: unknown): { required: boolean } {
  return parse(requiredSchema, input, 'the body must be an object { required }')
}

// ISO 8601 date and time with an offset: 2026-11-23T08:00:00Z, 2026-11-23T09:00:00.250+01:00.
// Without the offset a time means different instants on different machines, so it is refused.
const ISO_WITH_OFFSET =
  /^(?<date>\d{4}-\d{2}-\d{2})T(?<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(?<offset>Z|[+-]\d{2}:\d{2})$/

/**
 * A time bound as a query string gives it (`since`, `until`): epoch milliseconds, or ISO 8601
 * with an offset — nothing else Date.parse would take (`-1`, `March 7`, a time without offset,
 * February 30). `bad_request` otherwise.
 */
export function parseTimeBound(name: string, text: string): number {
  const ms = /^\d{1,16}$/.test(text) ? Number(text) : isoWithOffset(text)
  if (ms === null || !Number.isSafeInteger(ms) || ms < 0)
    throw new OperationError(
      'bad_request',
      `${name}: must be epoch milliseconds (e.g. 1795393000000) or an ISO 8601 time with an ` +
        'offset (e.g. 2026-11-23T08:00:00Z or 2026-11-23T09:00:00+01:00)'
    )
  return ms
}

function isoWithOffset(text: string): number | null {
  const groups = ISO_WITH_OFFSET.exec(text)?.groups
  if (groups === undefined) return null
  const { date, time, offset } = groups as { date: string; time: string; offset: string }
  // Read as UTC, it must show the same date and time again: Date.parse rolls 30 February over
  // into March and takes 24:00; neither is a time a person meant.
  const utc = new Date(`${date}T${time}Z`)
  if (Number.isNaN(utc.getTime())) return null
  if (utc.toISOString().slice(0, 19) !== `${date}T${time.slice(0, 8).padEnd(8, ':00')}`) return null
  if (offset === 'Z') return utc.getTime()
  const [hours, minutes] = offset.slice(1).split(':').map(Number) as [number, number]
  if (hours > 23 || minutes > 59) return null
  return utc.getTime() - (offset[0] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000
}

/** A report query, validated; `bad_request` names the first field at fault. */
export function parseReportQuery(input: unknown): ReportQuery & { limit: number } {
  const query = parse(reportQuerySchema, input, 'the query must be an object')
  if (query.since !== undefined && query.until !== undefined && query.since > query.until)
    throw new OperationError('bad_request', 'since: must not be after until')
  return query
}

/** A page of devices to list: at most `limit` (default 500) in id order, after the id `after`. */
export function parseDevicePage(input: unknown): { limit: number; after?: string } {
  return parse(devicePageSchema, input, 'the query must be an object { limit?, after? }')
}

/**
 * An id named in a request (a message's, a device token's, an alarm's); `bad_request` unless a
 * string of 1 to 128 characters.
 */
export function parseId(input: unknown, what: string): string {
  const parsed = idSchema(what).safeParse(input)
  if (parsed.success) return parsed.data
  throw new OperationError('bad_request', `id: ${parsed.error.issues[0]?.message ?? 'invalid'}`)
}

/** A message to send, validated; `bad_request` names the first field at fault. */
export function parseSendMessage(input: unknown): SendMessageRequest {
  return parse(sendMessageSchema, input, 'the body must be an object { to?, data }')
}

/** Checks an object against `schema`; `bad_request` names the first field at fault. */
export function parse<T>(schema: z.ZodType<T>, input: unknown, notObject: string): T {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new OperationError('bad_request', notObject)
  const parsed = schema.safeParse(input)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const path = issue?.path.join('.')
  throw new OperationError(
    'bad_request',
    `${path ? path + ': ' : ''}${issue?.message ?? 'invalid'}`
  )
}
