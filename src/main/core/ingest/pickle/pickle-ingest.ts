import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'

import type { IngestEndpoint } from '../../../../shared/live-events'
import { listen } from '../../runtime/listen'
import { RateLimitedLog } from '../../runtime/log-rate-limit'
import type { Logger } from '../../runtime/logger'
import type { IngestTransport } from '../ingest-transport'
import type { Intake } from '../intake'
import { TrackedConnections } from '../tracked-connections'
import { ConnectionLimits } from '../tcp/connection-limits'
import { PickleConnection } from './pickle-connection'

export interface PickleIngestOptions {
  host: string
  port: number
  /** Where every report goes; its limit is the longest pickle. */
  intake: Intake
  /** The identity of a device token, for a report that names no device. */
  identityOf: (token: string) => string | undefined
  logger: Logger
  /** Connections to this port in all, and from one address (its own count, beside TCP's). */
  maxConnections?: number
  maxConnectionsPerAddress?: number
  /** A connection that sends nothing for this long is closed. */
  idleTimeoutMs?: number
  now?: () => number
}

/**
 * The legacy pickle reporter's port (`--pickle-port`): devices that `socket.send(pickle.dumps(
 * report))` with no framing and no reply. Each pickled dict is a report for the intake, with
 * its `auth` read as on a JSON line. Only data is decoded (PickleStreamDecoder); a pickle that
 * names any class or callable but the few allowed closes its connection.
 */
export class PickleIngest implements IngestTransport {
  private server: Server | null = null
  private endpoint: IngestEndpoint | null = null
  private readonly connections: TrackedConnections<PickleConnection>
  private readonly refusals: RateLimitedLog
  private readonly drops: RateLimitedLog
  private readonly fullLog: RateLimitedLog

  constructor(private readonly options: PickleIngestOptions) {
    this.connections = new TrackedConnections(
      new ConnectionLimits(options.maxConnections ?? 2000, options.maxConnectionsPerAddress ?? 64)
    )
    const { logger, now } = options
    this.refusals = new RateLimitedLog({
      logger,
      level: 'warn',
      burst: 1,
      intervalMs: 60_000,
      summary: (count, seconds, address) =>
        `closed ${count} more pickle connections from ${address} in the last ${seconds} s for what they named`,
      now
    })
    this.drops = new RateLimitedLog({
      logger,
      level: 'debug',
      burst: 5,
      intervalMs: 60_000,
      summary: (count, seconds, address) =>
        `dropped or refused ${count} more pickled reports from ${address} in the last ${seconds} s`,
      now
    })
    this.fullLog = new RateLimitedLog({
      logger,
      level: 'warn',
      burst: 1,
      intervalMs: 10_000,
      summary: (count) => `refused ${count} more pickle connections: too many`,
      now
    })
  }

  get connectionCount(): number {
    return this.connections.size
  }

  async start(): Promise<IngestEndpoint> {
    const server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket))
    this.server = server
    const { port } = (await listen(server, this.options.port, this.options.host)) as AddressInfo
    server.on('error', (error) =>
      this.options.logger.error({ err: error }, 'pickle listener error')
    )
    this.endpoint = { protocol: 'pickle', host: this.options.host, port }
    return this.endpoint
  }

  address(): IngestEndpoint {
    if (this.endpoint === null) throw new Error('the pickle ingest listener is not started')
    return this.endpoint
  }

  /** Stops accepting and closes every connection: nothing is owed to a pickle reporter. */
  async stop(): Promise<void> {
    const server = this.server
    if (server === null) return
    this.server = null
    this.endpoint = null
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    await this.connections.endAll((connection) => connection.close())
    await closed
    this.refusals.stop()
    this.drops.stop()
    this.fullLog.stop()
  }

  private accept(socket: Socket): void {
    const refused = this.connections.admit(socket, () => {
      socket.setTimeout(this.options.idleTimeoutMs ?? 15 * 60_000, () => socket.destroy())
      return new PickleConnection(socket, {
        intake: this.options.intake,
        identityOf: this.options.identityOf,
        refusals: this.refusals,
        drops: this.drops,
        now: this.options.now ?? Date.now
      })
    })
    if (refused === null) return
    const address = socket.remoteAddress ?? 'unknown'
    this.fullLog.log('full', { peer: address }, `refused a pickle connection: ${refused}`)
    socket.destroy()
  }
}
