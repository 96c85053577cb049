import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'

import { listen } from '../runtime/listen'
import type { Logger } from '../runtime/logger'
import { ConnectionLimits } from './connection-limits'
import type { DeviceAdmission } from './device-admission'
import { IngestConnection, type ConnectionStats, type ReportSink } from './ingest-connection'
import type { ReportParser } from './report-parser'

export interface IngestServerOptions {
  host: string
  port: number
  maxLineBytes: number
  parser: ReportParser
  sink: ReportSink
  /** Whether a parsed report's device may be stored (the bound on device ids). */
  admission?: DeviceAdmission
  logger: Logger
  /** Device connections in all, and from one source address. */
  maxConnections?: number
  maxConnectionsPerAddress?: number
  /** Apply the per-address limit to loopback connections too (off: local tools are trusted). */
  limitLoopback?: boolean
  /** A connection that sends nothing for this long is closed. */
  idleTimeoutMs?: number
  /** A connection holding an unfinished line for this long is closed (slow-loris). */
  partialLineTimeoutMs?: number
  now?: () => number
}

/** At most one warning per reason in this time: a flood must not flood the log too. */
const WARN_EVERY_MS = 10_000

/** The TCP listener devices connect to; one IngestConnection per socket. */
export class IngestServer {
  private server: Server | null = null
  /** Each open connection and the promise that settles when it is done. */
  private readonly connections = new Map<
    Socket,
    { connection: IngestConnection; done: Promise<void> }
  >()
  private readonly limits: ConnectionLimits
  private readonly lastWarned = new Map<string, number>()
  private sweep: NodeJS.Timeout | null = null
  private readonly now: () => number

  constructor(private readonly options: IngestServerOptions) {
    this.limits = new ConnectionLimits(
      options.maxConnections ?? 2000,
      options.maxConnectionsPerAddress ?? 64,
      options.limitLoopback ?? false
    )
    this.now = options.now ?? Date.now
  }

  /** Device connections open now. */
  get connectionCount(): number {
    return this.connections.size
  }

  async start(): Promise<AddressInfo> {
    const server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket))
    this.server = server
    const address = (await listen(server, this.options.port, this.options.host)) as AddressInfo
    server.on('error', (error) =>
      this.options.logger.error({ err: error }, 'ingest listener error')
    )
    const partialMs = this.options.partialLineTimeoutMs ?? 60_000
    this.sweep = setInterval(
      () => {
        for (const { connection } of this.connections.values()) {
          if (connection.holdsPartialLineSince(Date.now() - partialMs)) {
            this.warn(
              'slow-loris',
              { peer: connection.stats().peer, seconds: partialMs / 1000 },
              'closed a connection holding an unfinished line'
            )
            connection.close()
          }
        }
      },
      Math.min(5000, partialMs)
    )
    this.sweep.unref()
    return address
  }

  private accept(socket: Socket): void {
    const { parser, sink, maxLineBytes, logger } = this.options
    const address = socket.remoteAddress ?? 'unknown'
    const refused = this.limits.admit(address)
    if (refused !== null) {
      this.warn(refused, { peer: address }, `refused a device connection: ${refused}`)
      socket.on('error', () => undefined)
      socket.end(
        JSON.stringify({ error: 'unavailable', message: `${refused}; try again later` }) + '\n'
      )
      setTimeout(() => socket.destroy(), 1000).unref()
      return
    }
    const connection = new IngestConnection(socket, {
      parser,
      sink,
      admission: this.options.admission,
      maxLineBytes,
      logger,
      idleTimeoutMs: this.options.idleTimeoutMs ?? 15 * 60_000,
      now: this.now
    })
    const peer = `${socket.remoteAddress}:${socket.remotePort}`
    logger.debug({ peer }, 'device connected')
    const done = connection.run().then(() => {
      this.connections.delete(socket)
      this.limits.release(address)
      logger.debug({ peer }, 'device disconnected')
    })
    this.connections.set(socket, { connection, done })
  }

  private warn(reason: string, fields: Record<string, unknown>, message: string): void {
    const now = Date.now()
    if (now - (this.lastWarned.get(reason) ?? -Infinity) < WARN_EVERY_MS) return
    this.lastWarned.set(reason, now)
    this.options.logger.warn(fields, message)
  }

  connectionStats(): ConnectionStats[] {
    return [...this.connections.values()].map(({ connection }) => connection.stats())
  }

  /** Stops accepting, stops reading, and resolves once every connection's owed replies are sent. */
  async stop(): Promise<void> {
    const server = this.server
    if (server === null) return
    this.server = null
    if (this.sweep !== null) clearInterval(this.sweep)
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    const open = [...this.connections.values()]
    for (const { connection } of open) connection.stop()
    await Promise.all(open.map(({ done }) => done))
    await closed
  }
}
