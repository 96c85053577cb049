import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

import type { HealthBody } from '../../../shared/api-types'
import type { ConsoleKeys } from '../keys'
import type { AuthThrottle } from './auth-throttle'
import { listen } from '../listen'
import type { Logger } from '../logger'
import { RequestError } from '../request-error'
import { HttpError, sendError, sendJson, statusOfCode } from './http-json'
import { readJsonBody } from './json-body'
import { requireRole } from './request-auth'
import type { Route } from './route'
import { StaticUi } from './static-ui'

export interface WebServerOptions {
  host: string
  port: number
  keys: ConsoleKeys
  version: string
  routes: Route[]
  /** Failed key attempts, shared with the Socket.IO handshakes. */
  throttle: AuthThrottle
  logger: Logger
  /** The built UI, served at `/`; without it the port serves the API alone. */
  uiDir?: string
  /** Largest request body accepted. */
  maxBodyBytes?: number
  now?: () => number
}

/** The HTTP side of the web port: `/healthz` and the routes it is given, each behind its key. */
export class WebServer {
  /** Created up front so Socket.IO can attach before the port opens. */
  readonly httpServer: Server
  private readonly sockets = new Set<Socket>()
  private readonly startedAt: number
  private readonly now: () => number
  private readonly routes: Route[]
  private readonly ui: StaticUi | null

  constructor(private readonly options: WebServerOptions) {
    this.now = options.now ?? Date.now
    this.startedAt = this.now()
    this.routes = [
      { method: 'GET', path: '/healthz', role: null, handle: () => this.health() },
      ...options.routes
    ]
    this.ui = options.uiDir === undefined ? null : new StaticUi(options.uiDir)
    this.httpServer = createServer((req, res) => void this.handle(req, res))
    this.httpServer.on('connection', (socket: Socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
  }

  async start(): Promise<AddressInfo> {
    return (await listen(this.httpServer, this.options.port, this.options.host)) as AddressInfo
  }

  /**
   * Cuts every connection, upgraded ones (Socket.IO's WebSockets) included: a viewer that
   * stopped reading must not hold shutdown up while its close handshake times out.
   */
  destroyConnections(): void {
    for (const socket of this.sockets) socket.destroy()
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL
    try {
      url = new URL(req.url ?? '/', 'http://localhost')
    } catch {
      sendError(res, 400, 'bad_request', 'malformed request target')
      return
    }
    try {
      const method = req.method ?? 'GET'
      if (
        this.ui !== null &&
        (method === 'GET' || method === 'HEAD') &&
        !url.pathname.startsWith('/api/') &&
        url.pathname !== '/healthz' &&
        (await this.ui.serve(url.pathname, res, method === 'HEAD'))
      )
        return
      const { route, params } = this.match(method, url.pathname)
      if (route.role !== null)
        requireRole(req, url, this.options.keys, route.role, this.options.throttle)
      const body =
        route.method === 'POST' || route.method === 'PUT'
          ? await readJsonBody(req, this.options.maxBodyBytes ?? 64 * 1024)
          : undefined
      sendJson(res, route.status ?? 200, await route.handle({ req, url, params, body }))
    } catch (error) {
      if (error instanceof HttpError) {
        for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value)
        sendError(res, error.status, error.code, error.message)
      } else if (error instanceof RequestError) {
        sendError(res, statusOfCode(error.code), error.code, error.message)
      } else {
        // The path only: a query string may hold the key.
        this.options.logger.error({ err: error, path: url.pathname }, 'request failed')
        sendError(res, 500, 'internal', 'the console could not answer this request')
      }
    }
  }

  private match(
    method: string,
    pathname: string
  ): { route: Route; params: Record<string, string> } {
    const allowed: string[] = []
    for (const route of this.routes) {
      let params: Record<string, string> | undefined
      if (typeof route.path === 'string') {
        if (route.path === pathname) params = {}
      } else {
        const m = route.path.exec(pathname)
        if (m !== null) params = { ...m.groups }
      }
      if (params === undefined) continue
      if (route.method === method || (route.method === 'GET' && method === 'HEAD'))
        return { route, params }
      allowed.push(route.method)
    }
    if (allowed.length > 0)
      throw new HttpError(405, 'method_not_allowed', `${pathname} answers ${allowed.join(', ')}`)
    throw new HttpError(404, 'not_found', `no such endpoint: ${pathname}`)
  }

  private health(): HealthBody {
    return {
      ok: true,
      version: this.options.version,
      uptimeSeconds: Math.round((this.now() - this.startedAt) / 1000)
    }
  }

  async stop(): Promise<void> {
    this.destroyConnections()
    if (!this.httpServer.listening) return
    await new Promise<void>((resolve) => this.httpServer.close(() => resolve()))
  }
}
