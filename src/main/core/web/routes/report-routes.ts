import { INGEST_LIMITS } from '../../../shared/ingest-protocol'
import type { DeviceRegistry } from '../devices/device-registry'
import { parseReportQuery, parseTimeBound, REPORTS_MAX_LIMIT } from '../operations/request-schemas'
import type { ReportStore } from '../store/report-store'
import { HttpError } from './http-json'
import type { Route } from './route'

export const DEVICES_DEFAULT_PAGE = 500
export const DEVICES_MAX_PAGE = 5000

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
    {
      method: 'GET',
      path: '/api/devices',
      role: 'viewer',
      handle: ({ url }) => getDevices(url, deps.devices)
    },
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
    if (text !== undefined) query[name] = parseTimeBound(name, text)
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

/**
 * GET /api/devices?limit=&after= — a page `{ devices, total, next }` in id order; without either
 * parameter, every device as a bare array (what scripts got before pages; bounded by
 * --max-devices).
 */
function getDevices(url: URL, devices: DeviceRegistry): unknown {
  const limitText = url.searchParams.get('limit')
  const after = url.searchParams.get('after')
  if (limitText === null && after === null) return devices.list()
  let limit = DEVICES_DEFAULT_PAGE
  if (limitText !== null) {
    limit = Number(limitText)
    if (!/^\d+$/.test(limitText) || limit < 1 || limit > DEVICES_MAX_PAGE)
      throw new HttpError(
        400,
        'bad_request',
        `limit: must be a whole number from 1 to ${DEVICES_MAX_PAGE}`
      )
  }
  if (after !== null && after.length > INGEST_LIMITS.deviceIdMaxLength)
    throw new HttpError(
      400,
      'bad_request',
      `after: at most ${INGEST_LIMITS.deviceIdMaxLength} characters`
    )
  return devices.page(limit, after ?? undefined)
}

/** A percent-encoded path segment, decoded; a malformed one is the client's error. */
function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    throw new HttpError(400, 'bad_request', `malformed path segment: ${part}`)
  }
}
