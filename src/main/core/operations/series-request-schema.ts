import { z } from 'zod'

import {
  SERIES_BUCKET_WIDTHS_MS,
  SERIES_LIMITS,
  type SeriesQuery
} from '../../../shared/history-types'
import { INGEST_LIMITS } from '../../../shared/ingest-protocol'
import { leastPoints, planSeries } from '../store/series-plan'
import { OperationError } from './operation-error'
import { parse } from './request-schemas'

/** The range of a series that names no `since`: the last 15 minutes before `until`. */
export const SERIES_DEFAULT_RANGE_MS = 15 * 60_000

const epochMs = z.number().int('must be whole milliseconds').nonnegative('must not be negative')

const field = z
  .string({ error: 'must be a field name or a dotted path' })
  .min(1, 'must not be empty')
  .max(SERIES_LIMITS.maxFieldLength, `at most ${SERIES_LIMITS.maxFieldLength} characters`)

const points = `must be a whole number from 1 to ${SERIES_LIMITS.maxPoints}`

const seriesQuerySchema = z.strictObject({
  device: z
    .string({ error: 'must be a device id' })
    .min(1, 'must be a device id')
    .max(INGEST_LIMITS.deviceIdMaxLength, `at most ${INGEST_LIMITS.deviceIdMaxLength} characters`),
  fields: z
    .array(field, { error: 'must be a list of fields' })
    .min(1, 'name at least one field (field=…)')
    .max(SERIES_LIMITS.maxFields, `at most ${SERIES_LIMITS.maxFields} fields`),
  since: epochMs.optional(),
  until: epochMs.optional(),
  points: z
    .number({ error: points })
    .int(points)
    .min(1, points)
    .max(SERIES_LIMITS.maxPoints, points)
    .default(SERIES_LIMITS.defaultPoints)
})

const WIDEST_MS = SERIES_BUCKET_WIDTHS_MS[SERIES_BUCKET_WIDTHS_MS.length - 1]!

/**
 * A series to read, validated, with its defaults: `until` now, `since` 15 minutes before
 * `until`, 1,500 points. `bad_request` names the first parameter at fault, and a range that
 * cannot be answered in `points` buckets the fewest points that can.
 */
export function parseSeriesQuery(input: unknown, now: number): Required<SeriesQuery> {
  const query = parse(
    seriesQuerySchema,
    input,
    'the query must be an object { device, fields, since?, until?, points? }'
  )
  const until = query.until ?? now
  const since = query.since ?? Math.max(0, until - SERIES_DEFAULT_RANGE_MS)
  if (since >= until)
    throw new OperationError(
      'bad_request',
      query.until === undefined
        ? 'since: must be before until (which is now when left out)'
        : 'since: must be before until'
    )
  if (planSeries(since, until, query.points) === null) {
    const least = leastPoints(since, until)
    throw new OperationError(
      'bad_request',
      least <= SERIES_LIMITS.maxPoints
        ? `points: this range needs at least ${least} (in buckets of ${WIDEST_MS / 86_400_000} days, the widest)`
        : `since: the range is too long: even in buckets of ${WIDEST_MS / 86_400_000} days it takes ` +
            `${least} points, and at most ${SERIES_LIMITS.maxPoints} are answered`
    )
  }
  return { ...query, since, until }
}
