import type { IncomingMessage } from 'node:http'

import type { Role } from '../../../../shared/live-events'

export interface RouteContext {
  req: IncomingMessage
  url: URL
  /** Named groups of the route's path pattern. */
  params: Record<string, string>
  /** The parsed JSON body, for routes that take one. */
  body: unknown
}

/** One endpoint: method, path, who may call it, and what it answers (as JSON). */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** An exact path, or a pattern with named groups for path parameters. */
  path: string | RegExp
  /** null: no key needed. A viewer's key reads; only the access key may do anything else. */
  role: Role | null
  /** The status of a successful answer (default 200). */
  status?: number
  handle(context: RouteContext): unknown
}
