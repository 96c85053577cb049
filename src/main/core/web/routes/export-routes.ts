import { EXPORT_ESTIMATE_HEADER } from '../../../../shared/history-types'
import type { ConsoleOperations } from '../../console-operations'
import { parseTimeBound } from '../../operations/request-schemas'
import { Download } from './download'
import type { Route } from './route'

/**
 * `GET /api/export?device=&since=&until=&format=csv|ndjson&field=a&field=b` with either key:
 * every stored report of the range as a file, streamed (see docs/protocol.md, "Export").
 */
export function exportRoutes(operations: Pick<ConsoleOperations, 'exportReports'>): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/export',
      role: 'viewer',
      handle: ({ url }) => {
        const made = operations.exportReports(exportQueryOf(url))
        return new Download(made.filename, made.contentType, made.chunks, {
          [EXPORT_ESTIMATE_HEADER]: String(made.estimate)
        })
      }
    }
  ]
}

/** The URL's parameters as the operation's query; the operation checks them. */
function exportQueryOf(url: URL): Record<string, unknown> {
  const query: Record<string, unknown> = {}
  const param = (name: string): string | undefined => url.searchParams.get(name) || undefined
  const device = param('device')
  if (device !== undefined) query.device = device
  for (const name of ['since', 'until']) {
    const text = param(name)
    if (text !== undefined) query[name] = parseTimeBound(name, text)
  }
  const format = param('format')
  if (format !== undefined) query.format = format
  const fields = url.searchParams.getAll('field')
  if (fields.length > 0) query.fields = fields
  return query
}
