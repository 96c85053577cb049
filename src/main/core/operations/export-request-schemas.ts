import { z } from 'zod'

import {
  EXPORT_ID_MAX_LENGTH,
  EXPORT_LIMITS,
  type ExportQuery
} from '../../../shared/history-types'
import { INGEST_LIMITS } from '../../../shared/ingest-protocol'
import { NOT_FIELDS } from '../export/export-columns'
import { OperationError } from './operation-error'
import { parse } from './request-schemas'

/** The last instant a Date can hold: a bound past it has no ISO time to name the file by. */
const LAST_DATE_MS = 8_640_000_000_000_000

const epochMs = z
  .number()
  .int('must be whole milliseconds')
  .nonnegative('must not be negative')
  .max(LAST_DATE_MS, 'is past the last date there is')

const field = z
  .string({ error: 'must be a field name or a dotted path' })
  .min(1, 'must not be empty')
  .max(EXPORT_LIMITS.maxFieldLength, `at most ${EXPORT_LIMITS.maxFieldLength} characters`)
  .refine((f) => !f.split('.').includes(''), 'must not have an empty part between dots')

const exportQuerySchema = z.strictObject({
  device: z.string().min(1).max(INGEST_LIMITS.deviceIdMaxLength).optional(),
  since: epochMs.optional(),
  until: epochMs.optional(),
  format: z.enum(['csv', 'ndjson'], { error: 'must be csv or ndjson' }).default('csv'),
  fields: z
    .array(field)
    .min(1, 'name at least one field, or leave it out for every field')
    .max(EXPORT_LIMITS.maxFields, `at most ${EXPORT_LIMITS.maxFields} fields`)
    .optional()
})

/**
 * An export to make, validated; `bad_request` names the first parameter at fault. Chosen fields
 * are kept in the order asked, each once; `_id`, `time`, `device`, `identity`, `seq` and `ts` are
 * always there and are left out of them.
 */
export function parseExportQuery(input: unknown): ExportQuery {
  const query = parse(exportQuerySchema, input, 'the query must be an object')
  if (query.since !== undefined && query.until !== undefined && query.since > query.until)
    throw new OperationError('bad_request', 'since: must not be after until')
  if (query.fields === undefined) return query
  const fields = [...new Set(query.fields)].filter((f) => !NOT_FIELDS.has(f))
  return { ...query, fields }
}

/** The id the window gives an export, to follow its progress and cancel it. */
export function parseExportId(input: unknown): string {
  const parsed = z
    .string({ error: 'must be a string' })
    .min(1, 'must not be empty')
    .max(EXPORT_ID_MAX_LENGTH, `at most ${EXPORT_ID_MAX_LENGTH} characters`)
    .safeParse(input)
  if (parsed.success) return parsed.data
  throw new OperationError('bad_request', `id: ${parsed.error.issues[0]?.message ?? 'invalid'}`)
}
