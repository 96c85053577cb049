import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'

import { listen } from '../listen'
import type { Logger } from '../logger'
import { IngestConnection, type ConnectionStats, type ReportSink } from './ingest-connection'
import type { ReportParser } from './report-parser'

export interface IngestServerOptions {
  host: string
  port: number
  maxLineBytes: number
  parser: ReportParser
  sink: ReportSink
  logger: Logger
  now?: () => number
}

/** The TCP listener devices connect to; one IngestConnection per socket. */
export class IngestServer {
  private server: Server | null = null
  private readonly connections = new Map<Socket, Promise<void>>()
  private readonly live = new Map<Socket, IngestConnection>()

  constructor(private readonly options: IngestServerOptions) {}

  async start(): Promise<AddressInfo> {
    const server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket))
    this.server = server
    const address = (await listen(server, this.options.port, this.options.host)) as AddressInfo
    server.on('error', (error) =>
      this.options.logger.error({ err: error }, 'ingest listener error')
    )
    return address
  }

  private accept(socket: Socket): void {
    const { parser, sink, maxLineBytes, logger } = this.options
    const connection = new IngestConnection(socket, {
      parser,
      sink,
      maxLineBytes,
      logger,
      now: this.options.now ?? Date.now
    })
    const peer = `${socket.remoteAddress}:${socket.remotePort}`
    logger.debug({ peer }, 'device connected')
    const done = connection.run().then(() => {
      this.connections.delete(socket)
      this.live.delete(socket)
      logger.debug({ peer }, 'device disconnected')
    })
    this.connections.set(socket, done)
    this.live.set(socket, connection)
  }

  get connectionCount(): number {
    return this.connections.size
  }

  connectionStats(): ConnectionStats[] {
    return [...this.live.values()].map((c) => c.stats())
  }

  /** Stops accepting, stops reading, and resolves once every connection's owed replies are sent. */
  async stop(): Promise<void> {
    const server = this.server
    if (server === null) return
    this.server = null
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    for (const connection of this.live.values()) connection.stop()
    await Promise.all(this.connections.values())
    await closed
  }
}
