import { z } from 'zod'

import { INGEST_LIMITS } from '../../shared/ingest-protocol'
import type { CreateDeviceTokenRequest } from '../../shared/api-types'
import type { ReportQuery, SendMessageRequest } from '../../shared/live-events'
import { RequestError } from './request-error'

// What a viewer may ask, checked the same way whether it comes over HTTP or the desktop
// window's IPC: the renderer is trusted no more than the network.

export const REPORTS_DEFAULT_LIMIT = 100
export const REPORTS_MAX_LIMIT = 10_000

const epochMs = z.number().int('must be whole milliseconds').nonnegative('must not be negative')

const reportQuerySchema = z.strictObject({
  device: z.string().min(1).max(INGEST_LIMITS.deviceIdMaxLength).optional(),
  since: epochMs.optional(),
  until: epochMs.optional(),
  limit: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(REPORTS_MAX_LIMIT, `must be at most ${REPORTS_MAX_LIMIT}`)
    .default(REPORTS_DEFAULT_LIMIT)
})

const sendMessageSchema = z.object({
  to: z.string().min(1, 'must not be empty').max(256).optional(),
  data: z.unknown().refine((d) => d !== undefined, 'required')
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

/** A device token to make: the identity its reports get, and optionally the device ids allowed. */
export function parseCreateDeviceToken(input: unknown): CreateDeviceTokenRequest {
  return parse(createTokenSchema, input, 'the body must be an object { identity, devices? }')
}

export function parseTokensRequired(input: unknown): { required: boolean } {
  return parse(requiredSchema, input, 'the body must be an object { required }')
}

/** A report query, validated; `bad_request` names the first field at fault. */
export function parseReportQuery(input: unknown): ReportQuery & { limit: number } {
  const query = parse(reportQuerySchema, input, 'the query must be an object')
  if (query.since !== undefined && query.until !== undefined && query.since > query.until)
    throw new RequestError('bad_request', 'since: must not be after until')
  return query
}

/** A message to send, validated; `bad_request` names the first field at fault. */
export function parseSendMessage(input: unknown): SendMessageRequest {
  return parse(sendMessageSchema, input, 'the body must be an object { to?, data }')
}

function parse<T>(schema: z.ZodType<T>, input: unknown, notObject: string): T {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new RequestError('bad_request', notObject)
  const parsed = schema.safeParse(input)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const path = issue?.path.join('.')
  throw new RequestError('bad_request', `${path ? path + ': ' : ''}${issue?.message ?? 'invalid'}`)
}
