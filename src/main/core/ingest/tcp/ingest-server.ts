import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'

import type { IngestEndpoint } from '../../../../shared/live-events'
import { listen } from '../../runtime/listen'
import type { Logger } from '../../runtime/logger'
import type { IngestTransport } from '../ingest-transport'
import type { Intake } from '../intake'
import { TrackedConnections } from '../tracked-connections'
import { ConnectionLimits } from './connection-limits'
import { IngestConnection, type ConnectionStats } from './ingest-connection'

export interface IngestServerOptions {
  host: string
  port: number
  /** Where every line goes; its limit is the longest line. */
  intake: Intake
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
  /** The clock of the slow-loris check and of receive times. */
  now?: () => number
}

/** At most one warning per reason in this time: a flood must not flood the log too. */
const WARN_EVERY_MS = 10_000

/** The TCP listener devices connect to; one IngestConnection per socket. */
export class IngestServer implements IngestTransport {
  private server: Server | null = null
  private endpoint: IngestEndpoint | null = null
  private readonly connections: TrackedConnections<IngestConnection>
  private readonly lastWarned = new Map<string, number>()
  private sweep: NodeJS.Timeout | null = null
  private readonly now: () => number
  private readonly partialLineTimeoutMs: number

  constructor(private readonly options: IngestServerOptions) {
    this.connections = new TrackedConnections(
      new ConnectionLimits(
        options.maxConnections ?? 2000,
        options.maxConnectionsPerAddress ?? 64,
        options.limitLoopback ?? false
      )
    )
    this.now = options.now ?? Date.now
    this.partialLineTimeoutMs = options.partialLineTimeoutMs ?? 60_000
  }

  /** Device connections open now. */
  get connectionCount(): number {
    return this.connections.size
  }

  async start(): Promise<IngestEndpoint> {
    const server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket))
    this.server = server
    const { port } = (await listen(server, this.options.port, this.options.host)) as AddressInfo
    this.endpoint = { protocol: 'tcp', host: this.options.host, port }
    server.on('error', (error) =>
      this.options.logger.error({ err: error }, 'ingest listener error')
    )
    this.sweep = setInterval(
      () => this.closeSlowSenders(),
      Math.min(5000, this.partialLineTimeoutMs)
    )
    this.sweep.unref()
    return this.endpoint
  }

  address(): IngestEndpoint {
    if (this.endpoint === null) throw new Error('the TCP ingest listener is not started')
    return this.endpoint
  }

  /**
   * Closes every connection that has held an unfinished line for the timeout (a slow-loris
   * sender). Runs on a timer; by the injected clock, so a spec can drive it without waiting.
   */
  closeSlowSenders(): void {
    const partialMs = this.partialLineTimeoutMs
    const cutoff = this.now() - partialMs
    for (const connection of this.connections.connections()) {
      if (connection.holdsPartialLineSince(cutoff)) {
        this.warn(
          'slow-loris',
          { peer: connection.stats().peer, seconds: partialMs / 1000 },
          'closed a connection holding an unfinished line'
        )
        connection.close()
      }
    }
  }

  private accept(socket: Socket): void {
    const { intake, logger } = this.options
    const peer = `${socket.remoteAddress}:${socket.remotePort}`
    const refused = this.connections.admit(
      socket,
      () => {
        const connection = new IngestConnection(socket, {
          intake,
          logger,
          idleTimeoutMs: this.options.idleTimeoutMs ?? 15 * 60_000,
          now: this.now
        })
        logger.debug({ peer }, 'device connected')
        return connection
      },
      () => logger.debug({ peer }, 'device disconnected')
    )
    if (refused === null) return
    const address = socket.remoteAddress ?? 'unknown'
    this.warn(refused, { peer: address }, `refused a device connection: ${refused}`)
    socket.on('error', () => undefined)
    socket.end(
      JSON.stringify({ error: 'unavailable', message: `${refused}; try again later` }) + '\n'
    )
    setTimeout(() => socket.destroy(), 1000).unref()
  }

  private warn(reason: string, fields: Record<string, unknown>, message: string): void {
    const now = this.now()
    if (now - (this.lastWarned.get(reason) ?? -Infinity) < WARN_EVERY_MS) return
    this.lastWarned.set(reason, now)
    this.options.logger.warn(fields, message)
  }

  connectionStats(): ConnectionStats[] {
    return this.connections.connections().map((connection) => connection.stats())
  }

  /** Stops accepting, stops reading, and resolves once every connection's owed replies are sent. */
  async stop(): Promise<void> {
    const server = this.server
    if (server === null) return
    this.server = null
    this.endpoint = null
    if (this.sweep !== null) clearInterval(this.sweep)
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    await this.connections.endAll((connection) => connection.stop())
    await closed
  }
}
