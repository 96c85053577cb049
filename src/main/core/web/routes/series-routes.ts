import type { ConsoleOperations } from '../../console-operations'
import { parseTimeBound } from '../../operations/request-schemas'
import type { Route } from './route'
import { wholeNumberOr } from './url-params'

/** `GET /api/series`: a device's numeric fields over a range, in buckets. Any key. */
export function seriesRoutes(operations: Pick<ConsoleOperations, 'series'>): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/series',
      role: 'viewer',
      handle: ({ url }) => operations.series(seriesQueryOf(url))
    }
  ]
}

/**
 * `?device=&field=a&field=b&since=&until=&points=` as the operation's query: the times as
 * epoch ms or ISO 8601 with an offset, as `GET /api/reports` takes them; what is left out is
 * left to the operation's defaults, and what it cannot read to its refusal by name.
 */
function seriesQueryOf(url: URL): Record<string, unknown> {
  const params = url.searchParams
  const query: Record<string, unknown> = {
    device: params.get('device') ?? undefined,
    fields: params.getAll('field')
  }
  for (const name of ['since', 'until']) {
    const text = params.get(name)
    if (text !== null) query[name] = parseTimeBound(name, text)
  }
  const points = params.get('points')
  if (points !== null) query.points = wholeNumberOr(points)
  return query
}
