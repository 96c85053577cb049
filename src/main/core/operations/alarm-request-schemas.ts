import { z } from 'zod'

import {
  ALARM_SEVERITIES,
  ALARM_STATES,
  type AckRequest,
  type ActorRequest,
  type AlarmEventQuery,
  type AlarmQuery,
  type AlarmRuleQuery,
  type MaintenanceRequest,
  type ShelveRequest
} from '../../../shared/alarm-types'
import { INGEST_LIMITS } from '../../../shared/ingest-protocol'
import { OperationError } from './operation-error'
import { parse } from './request-schemas'

/** The longest comment an acknowledgement, shelving or maintenance takes. */
export const ALARM_COMMENT_MAX = 500
export const ALARM_EVENTS_DEFAULT_LIMIT = 1000
export const ALARM_EVENTS_MAX_LIMIT = 10_000

const comment = z.string().trim().max(ALARM_COMMENT_MAX, `at most ${ALARM_COMMENT_MAX} characters`)
const operator = z.string().trim().min(1, 'must not be empty').max(64, 'at most 64 characters')
const device = z.string().min(1).max(INGEST_LIMITS.deviceIdMaxLength)
const epochMs = z.number().int('must be whole milliseconds').nonnegative('must not be negative')
const minutes = (min: number) =>
  z
    .number({ error: 'must be a number of minutes' })
    .finite('must be a number of minutes')
    .min(min, `must be at least ${min}`)

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `expected one of ${values.join(', ')}` })

const alarmQuerySchema = z.strictObject({
  state: oneOf(ALARM_STATES).optional(),
  severity: oneOf(ALARM_SEVERITIES).optional(),
  device: device.optional()
})

const ackSchema = z.strictObject({ comment: comment.optional(), operator: operator.optional() })

const actorSchema = z.strictObject({ operator: operator.optional() })

const shelveSchema = z.strictObject({
  minutes: minutes(0),
  comment: comment.optional(),
  operator: operator.optional()
})

const maintenanceSchema = z.strictObject({
  minutes: minutes(0),
  comment: comment.optional(),
  operator: operator.optional()
})

const eventQuerySchema = z.strictObject({
  since: epochMs.optional(),
  until: epochMs.optional(),
  device: device.optional(),
  rule: z.string().min(1).max(64).optional(),
  alarm: z.string().min(1).max(64).optional(),
  limit: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(ALARM_EVENTS_MAX_LIMIT, `must be at most ${ALARM_EVENTS_MAX_LIMIT}`)
    .default(ALARM_EVENTS_DEFAULT_LIMIT)
})

export function parseAlarmQuery(input: unknown): AlarmQuery {
  return parse(
    alarmQuerySchema,
    input ?? {},
    'the query must be an object { state?, severity?, device? }'
  )
}

const ruleQuerySchema = z.strictObject({ device: device.optional() })

export function parseAlarmRuleQuery(input: unknown): AlarmRuleQuery {
  return parse(ruleQuerySchema, input ?? {}, 'the query must be an object { device? }')
}

export function parseAck(input: unknown): AckRequest {
  return parse(ackSchema, input ?? {}, 'the body must be an object { comment?, operator? }')
}

/** Who changes the rules (`?operator=` over HTTP: a rule's body is the rule itself). */
export function parseActor(input: unknown): ActorRequest {
  return parse(actorSchema, input ?? {}, 'expected { operator? }')
}

export function parseShelve(input: unknown): ShelveRequest {
  return parse(shelveSchema, input, 'the body must be an object { minutes, comment?, operator? }')
}

export function parseMaintenance(input: unknown): MaintenanceRequest {
  return parse(
    maintenanceSchema,
    input,
    'the body must be an object { minutes, comment?, operator? }'
  )
}

const eventExportSchema = eventQuerySchema.omit({ limit: true }).extend({
  format: z.enum(['csv', 'ndjson'], { error: 'must be json, csv or ndjson' })
})

/** The audit trail's export: a range as the query's, every event of it, and the file's format. */
export function parseAlarmEventExport(
  input: unknown
): Omit<AlarmEventQuery, 'limit'> & { format: 'csv' | 'ndjson' } {
  const query = parse(eventExportSchema, input ?? {}, 'the query must be an object')
  checkRange(query)
  return query
}

function checkRange(query: { since?: number; until?: number }): void {
  if (query.since !== undefined && query.until !== undefined && query.since > query.until)
    throw new OperationError('bad_request', 'since: must not be after until')
}

export function parseAlarmEventQuery(input: unknown): AlarmEventQuery & { limit: number } {
  const query = parse(eventQuerySchema, input ?? {}, 'the query must be an object')
  checkRange(query)
  return query
}
