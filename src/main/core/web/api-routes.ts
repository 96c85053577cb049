import { z } from 'zod'

import { INGEST_LIMITS } from '../../../shared/ingest-protocol'
import type { DeviceRegistry } from '../devices/device-registry'
import type { ReportStore } from '../store/report-store'
import { HttpError } from './http-json'
import type { Route } from './route'

export const REPORTS_DEFAULT_LIMIT = 100
export const REPORTS_MAX_LIMIT = 10_000

/** A time bound: epoch milliseconds, or an ISO 8601 date such as 2026-11-23T08:00:00Z. */
const timeBound = z.string().transform((text, ctx) => {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text)
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: 'must be epoch milliseconds or an ISO 8601 date' })
    return z.NEVER
  }
  return ms
})

const reportsQuerySchema = z.object({
  device: z.string().min(1).max(INGEST_LIMITS.deviceIdMaxLength).optional(),
  since: timeBound.optional(),
  until: timeBound.optional(),
  limit: z
    .string()
    .regex(/^\d+$/, `must be a whole number from 1 to ${REPORTS_MAX_LIMIT}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, 'must be at least 1')
        .max(REPORTS_MAX_LIMIT, `must be at most ${REPORTS_MAX_LIMIT}`)
    )
    .default(REPORTS_DEFAULT_LIMIT)
})

export interface ApiDeps {
  store: ReportStore
  devices: DeviceRegistry
}

/** The read API over reports and devices: any key. */
export function reportRoutes(deps: ApiDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/reports',
      role: 'viewer',
      handle: ({ url }) => getReports(url, deps)
    },
    { method: 'GET', path: '/api/devices', role: 'viewer', handle: () => deps.devices.list() },
    {
      method: 'GET',
      path: /^\/api\/devices\/(?<id>[^/]+)\/events$/,
      role: 'viewer',
      handle: ({ params }) => deps.devices.recentEvents(decodePathPart(params.id!), 1000)
    }
  ]
}

/** GET /api/reports?device=&since=&until=&limit= — newest first, across partitions. */
async function getReports(url: URL, deps: ApiDeps): Promise<unknown> {
  const raw: Record<string, string> = {}
  for (const name of ['device', 'since', 'until', 'limit']) {
    const value = url.searchParams.get(name)
    if (value !== null && value !== '') raw[name] = value
  }
  const parsed = reportsQuerySchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new HttpError(400, 'bad_request', `${issue?.path.join('.')}: ${issue?.message}`)
  }
  const query = parsed.data
  if (query.since !== undefined && query.until !== undefined && query.since > query.until) {
    throw new HttpError(400, 'bad_request', 'since: must not be after until')
  }
  return deps.store.query(query)
}

/** A percent-encoded path segment, decoded; a malformed one is the client's error. */
function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    throw new HttpError(400, 'bad_request', `malformed path segment: ${part}`)
  }
}
