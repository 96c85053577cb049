import type { DeviceRegistry } from '../devices/device-registry'
import { parseReportQuery, REPORTS_MAX_LIMIT } from '../request-schemas'
import type { ReportStore } from '../store/report-store'
import { HttpError } from './http-json'
import type { Route } from './route'

/** A time bound: epoch milliseconds, or an ISO 8601 date such as 2026-11-23T08:00:00Z. */
function timeBound(name: string, text: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text)
  if (!Number.isFinite(ms))
    throw new HttpError(
      400,
      'bad_request',
      `${name}: must be epoch milliseconds or an ISO 8601 date`
    )
  return ms
}

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
  const query: Record<string, string | number> = {}
  const param = (name: string): string | undefined => url.searchParams.get(name) || undefined
  const device = param('device')
  if (device !== undefined) query.device = device
  for (const name of ['since', 'until']) {
    const text = param(name)
    if (text !== undefined) query[name] = timeBound(name, text)
  }
  const limit = param('limit')
  if (limit !== undefined) {
    if (!/^\d+$/.test(limit))
      throw new HttpError(
        400,
        'bad_request',
        `limit: must be a whole number from 1 to ${REPORTS_MAX_LIMIT}`
      )
    query.limit = Number(limit)
  }
  return deps.store.query(parseReportQuery(query))
}

/** A percent-encoded path segment, decoded; a malformed one is the client's error. */
function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    throw new HttpError(400, 'bad_request', `malformed path segment: ${part}`)
  }
}
