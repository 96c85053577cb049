import type { ConsoleOperations } from '../../console-operations'
import { parseTimeBound } from '../../operations/request-schemas'
import type { Route } from './route'
import { decodePathPart, wholeNumberOr } from './url-params'

type ReadOperations = Pick<
  ConsoleOperations,
  'queryReports' | 'devices' | 'devicePage' | 'deviceEvents'
>

/** The read API over reports and devices: any key. */
export function reportRoutes(operations: ReadOperations): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/reports',
      role: 'viewer',
      handle: ({ url }) => operations.queryReports(reportQueryOf(url))
    },
    {
      method: 'GET',
      path: '/api/devices',
      role: 'viewer',
      handle: ({ url }) => {
        const limit = url.searchParams.get('limit')
        const after = url.searchParams.get('after')
        // Without either parameter, every device as a bare array (what scripts got before pages).
        if (limit === null && after === null) return operations.devices()
        return operations.devicePage({
          ...(limit !== null && { limit: wholeNumberOr(limit) }),
          ...(after !== null && { after })
        })
      }
    },
    {
      method: 'GET',
      path: /^\/api\/devices\/(?<id>[^/]+)\/events$/,
      role: 'viewer',
      handle: ({ params }) => operations.deviceEvents(decodePathPart(params.id!))
    }
  ]
}

/** GET /api/reports?device=&since=&until=&limit= as the operation's query. */
function reportQueryOf(url: URL): Record<string, string | number> {
  const query: Record<string, string | number> = {}
  const param = (name: string): string | undefined => url.searchParams.get(name) || undefined
  const device = param('device')
  if (device !== undefined) query.device = device
  for (const name of ['since', 'until']) {
    const text = param(name)
    if (text !== undefined) query[name] = parseTimeBound(name, text)
  }
  const limit = param('limit')
  if (limit !== undefined) query.limit = wholeNumberOr(limit)
  return query
}
