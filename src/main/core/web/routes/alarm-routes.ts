import type { AlarmOperations } from '../../operations/alarm-operations'
import { parseTimeBound } from '../../operations/request-schemas'
import { Download } from './download'
import type { Route } from './route'
import { decodePathPart, wholeNumberOr } from './url-params'

const alarmAction = (action: string): RegExp => new RegExp(`^/api/alarms/(?<id>[^/]+)/${action}$`)
const RULE = /^\/api\/alarm-rules\/(?<id>[^/]+)$/

/**
 * Alarms over HTTP: reading (alarms, rules, the audit trail, KPIs) with either key; every
 * action and every rule change with the access key. Adapters only: the operations validate.
 */
export function alarmRoutes(alarms: AlarmOperations): Route[] {
  const id = (params: Record<string, string>): string => decodePathPart(params.id!)
  return [
    {
      method: 'GET',
      path: '/api/alarms',
      role: 'viewer',
      handle: ({ url }) => alarms.list(paramsOf(url, ['state', 'severity', 'device']))
    },
    {
      method: 'GET',
      path: '/api/alarms/stats',
      role: 'viewer',
      handle: () => alarms.stats()
    },
    {
      method: 'POST',
      path: alarmAction('ack'),
      role: 'operator',
      handle: ({ params, body }) => alarms.ack(id(params), body, 'api')
    },
    {
      method: 'POST',
      path: alarmAction('shelve'),
      role: 'operator',
      handle: ({ params, body }) => alarms.shelve(id(params), body, 'api')
    },
    {
      method: 'POST',
      path: alarmAction('unshelve'),
      role: 'operator',
      handle: ({ params, body }) => alarms.unshelve(id(params), body, 'api')
    },
    {
      method: 'POST',
      path: alarmAction('silence'),
      role: 'operator',
      handle: ({ params, body }) => alarms.silence(id(params), body, 'api')
    },
    {
      method: 'POST',
      path: /^\/api\/devices\/(?<id>[^/]+)\/maintenance$/,
      role: 'operator',
      handle: ({ params, body }) => alarms.maintenance(id(params), body, 'api')
    },
    {
      method: 'GET',
      path: '/api/alarm-rules',
      role: 'viewer',
      handle: ({ url }) => alarms.rules(paramsOf(url, ['device']))
    },
    {
      method: 'POST',
      path: '/api/alarm-rules',
      role: 'operator',
      status: 201,
      handle: ({ url, body }) => alarms.createRule(body, 'api', byOf(url))
    },
    {
      method: 'PUT',
      path: '/api/alarm-rules',
      role: 'operator',
      handle: ({ url, body }) => alarms.replaceRules(body, 'api', byOf(url))
    },
    {
      // Before the `:id` routes: `preview` is not a rule's id.
      method: 'POST',
      path: '/api/alarm-rules/preview',
      role: 'operator',
      handle: ({ body }) => alarms.preview(body)
    },
    {
      method: 'PUT',
      path: RULE,
      role: 'operator',
      handle: ({ url, params, body }) => alarms.updateRule(id(params), body, 'api', byOf(url))
    },
    {
      method: 'DELETE',
      path: RULE,
      role: 'operator',
      handle: async ({ url, params }) => {
        const rule = id(params)
        await alarms.deleteRule(rule, 'api', byOf(url))
        return { deleted: rule }
      }
    },
    {
      method: 'GET',
      path: '/api/alarm-events',
      role: 'viewer',
      handle: ({ url }) => {
        const query = eventQueryOf(url)
        const format = url.searchParams.get('format') || 'json'
        if (format === 'json') return alarms.events(query)
        const { limit: _limit, ...range } = query
        const made = alarms.exportEvents({ ...range, format })
        return new Download(made.filename, made.contentType, made.chunks)
      }
    }
  ]
}

/** The named query parameters that are present and not empty. */
function paramsOf(url: URL, names: string[]): Record<string, string> {
  const query: Record<string, string> = {}
  for (const name of names) {
    const value = url.searchParams.get(name)
    if (value) query[name] = value
  }
  return query
}

/** `?operator=NAME` on a rule change: who the audit trail says changed it. */
function byOf(url: URL): Record<string, string> {
  return paramsOf(url, ['operator'])
}

/** GET /api/alarm-events?since=&until=&device=&rule=&alarm=&limit= as the operation's query. */
function eventQueryOf(url: URL): Record<string, string | number> {
  const query: Record<string, string | number> = paramsOf(url, ['device', 'rule', 'alarm'])
  for (const name of ['since', 'until']) {
    const text = url.searchParams.get(name)
    if (text) query[name] = parseTimeBound(name, text)
  }
  const limit = url.searchParams.get('limit')
  if (limit) query.limit = wholeNumberOr(limit)
  return query
}
