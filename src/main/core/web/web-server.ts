import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse
} from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Duplex } from 'node:stream'

import type { HealthBody } from '../../../shared/api-types'
import type { ConsoleKeys } from '../auth/keys'
import type { AuthThrottle } from '../auth/auth-throttle'
import { listen } from '../runtime/listen'
import type { Logger } from '../runtime/logger'
import { OperationError } from '../operations/operation-error'
import { INTERNAL_MESSAGE } from '../operations/to-envelope'
import { HostCheck } from '../auth/host-check'
import { HttpError, sendError, sendJson, statusOfCode } from './routes/http-json'
import { readJsonBody } from './json-body'
import { originCheck } from '../auth/origin-check'
import { requireRole } from '../auth/request-auth'
import { pathOf, RequestGuard, SOCKET_IO_PATH, type GuardRefusal } from './request-guard'
import { Download, sendDownload } from './routes/download'
import type { Route } from './routes/route'
import { StaticUi } from './static-ui'

/** An upgrade the web server hands to a handler of its own (the plain WebSocket `/stream`). */
export interface UpgradeRoute {
  /** The exact path it takes; a query string may follow it. */
  path: string
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void
}

export interface WebServerOptions {
  host: string
  port: number
  keys: ConsoleKeys
  version: string
  routes: Route[]
  /** WebSocket endpoints of its own, besides Socket.IO's (attached to `httpServer`). */
  upgrades?: UpgradeRoute[]
  /** Failed key attempts, shared with the Socket.IO handshakes. */
  throttle: AuthThrottle
  logger: Logger
  /** The built UI, served at `/`; without it the port serves the API alone. */
  uiDir?: string
  /** Largest request body accepted. */
  maxBodyBytes?: number
  /** `--allowed-hosts`: names besides the console's own that a request's `Host` may carry. */
  allowedHosts?: string[]
  /** `--allowed-origins`: pages of other origins that may connect to Socket.IO. */
  allowedOrigins?: string[]
  /** The host check; one over this machine's names and interfaces by default. */
  hosts?: HostCheck
  now?: () => number
}

/** An upgrade's refusal, as a plain HTTP answer on its socket, JSON like every other error. */
function refuseUpgrade(socket: Duplex, refusal: GuardRefusal): void {
  socket.on('error', () => {}) // the peer may be gone already; nothing to tell it then
  // Closed once the answer is out: a refused peer that keeps its end open holds nothing.
  socket.once('finish', () => socket.destroy())
  const body = JSON.stringify({ error: refusal.code, message: refusal.message })
  socket.end(
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? ''}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
      body
  )
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
  private readonly guard: RequestGuard

  constructor(private readonly options: WebServerOptions) {
    this.now = options.now ?? Date.now
    this.startedAt = this.now()
    this.guard = new RequestGuard({
      hosts:
        options.hosts ??
        new HostCheck({ listenHost: options.host, allowedHosts: options.allowedHosts }),
      socketOrigin: originCheck(options.allowedOrigins ?? [])
    })
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

  /** Opens the port, with everything attached to it so far (Socket.IO) behind the guard. */
  async start(): Promise<AddressInfo> {
    this.guardListeners()
    return (await listen(this.httpServer, this.options.port, this.options.host)) as AddressInfo
  }

  /**
   * Puts the guard in front of every `request` and `upgrade` listener: Socket.IO takes its
   * requests and upgrades before this server's own handler sees them, so the check must come
   * first, before either (and its own refusal of an upgrade is a 400 that repeats the `Origin`).
   */
  private guardListeners(): void {
    const server = this.httpServer
    const requests = server.listeners('request') as Array<
      (req: IncomingMessage, res: ServerResponse) => void
    >
    server.removeAllListeners('request')
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const refusal = this.guard.check(req)
      if (refusal !== null) sendError(res, refusal.status, refusal.code, refusal.message)
      else for (const listener of requests) listener.call(server, req, res)
    })
    const upgrades = server.listeners('upgrade') as Array<
      (req: IncomingMessage, socket: Duplex, head: Buffer) => void
    >
    server.removeAllListeners('upgrade')
    // Each upgrade goes to one owner: a route of this server's by its exact path, Socket.IO by
    // its prefix, and any other is refused here at once (engine.io is told not to end upgrades
    // it does not own: it never sees them).
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const refusal = this.guard.check(req)
      if (refusal !== null) {
        refuseUpgrade(socket, refusal)
        return
      }
      const target = req.url ?? ''
      const own = this.options.upgrades?.find((route) => route.path === pathOf(target))
      if (own !== undefined) own.handle(req, socket, head)
      else if (target.startsWith(SOCKET_IO_PATH) && upgrades.length > 0)
        for (const listener of upgrades) listener.call(server, req, socket, head)
      else
        refuseUpgrade(socket, {
          status: 404,
          code: 'not_found',
          message: `no WebSocket endpoint at this path: ${this.upgradePaths()} take upgrades`
        })
    })
  }

  private upgradePaths(): string {
    return [...(this.options.upgrades ?? []).map((route) => route.path), SOCKET_IO_PATH].join(
      ' and '
    )
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
      const answer = await route.handle({ req, url, params, body })
      if (answer instanceof Download) {
        await sendDownload(res, answer).catch((error: unknown) =>
          this.options.logger.error({ err: error, path: url.pathname }, 'download cut short')
        )
        return
      }
      sendJson(res, route.status ?? 200, answer)
    } catch (error) {
      if (error instanceof HttpError) {
        for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value)
        sendError(res, error.status, error.code, error.message)
      } else if (error instanceof OperationError) {
        sendError(res, statusOfCode(error.code), error.code, error.message)
      } else {
        // The path only: a query string may hold the key.
        this.options.logger.error({ err: error, path: url.pathname }, 'request failed')
        sendError(res, 500, 'internal', INTERNAL_MESSAGE)
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
