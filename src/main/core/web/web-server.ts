import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

import type { HealthBody } from '../../../shared/api-types'
import { listen } from '../listen'
import type { Logger } from '../logger'
import { getDevices, getReports, type ApiDeps } from './api-routes'
import { HttpError, sendError, sendJson } from './http-json'
import { requireAccessKey } from './request-auth'

export interface WebServerOptions extends ApiDeps {
  host: string
  port: number
  accessKey: string
  version: string
  logger: Logger
  now?: () => number
}

type Route = (req: IncomingMessage, url: URL) => unknown

/** The HTTP side of the web port: health, and the read API behind the access key. */
export class WebServer {
  private server: Server | null = null
  private readonly startedAt: number
  private readonly now: () => number
  private readonly routes: Record<string, Route>

  constructor(private readonly options: WebServerOptions) {
    this.now = options.now ?? Date.now
    this.startedAt = this.now()
    const guarded =
      (route: (url: URL) => unknown): Route =>
      (req, url) => {
        requireAccessKey(req, url, options.accessKey)
        return route(url)
      }
    this.routes = {
      '/healthz': () => this.health(),
      '/api/reports': guarded((url) => getReports(url, options)),
      '/api/devices': guarded(() => getDevices(options))
    }
  }

  async start(): Promise<AddressInfo> {
    const server = createServer((req, res) => void this.handle(req, res))
    this.server = server
    return (await listen(server, this.options.port, this.options.host)) as AddressInfo
  }

  /** The HTTP server, for Socket.IO to attach to. */
  get httpServer(): Server | null {
    return this.server
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
      const route = this.routes[url.pathname]
      if (route === undefined)
        throw new HttpError(404, 'not_found', `no such endpoint: ${url.pathname}`)
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD')
        throw new HttpError(405, 'method_not_allowed', `${url.pathname} answers GET only`)
      }
      sendJson(res, 200, await route(req, url))
    } catch (error) {
      if (error instanceof HttpError) {
        sendError(res, error.status, error.code, error.message)
      } else {
        // The path only: a query string may hold the key.
        this.options.logger.error({ err: error, path: url.pathname }, 'request failed')
        sendError(res, 500, 'internal', 'the console could not answer this request')
      }
    }
  }

  private health(): HealthBody {
    return {
      ok: true,
      version: this.options.version,
      uptimeSeconds: Math.round((this.now() - this.startedAt) / 1000)
    }
  }

  async stop(): Promise<void> {
    const server = this.server
    if (server === null) return
    this.server = null
    server.closeIdleConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
