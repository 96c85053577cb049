import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'

import { WebSocketServer, type RawData, type WebSocket } from 'ws'

import { STREAM_CLOSE_CODES, STREAM_LIMITS, STREAM_PATH } from '../../../../shared/history-types'
import type { AuthThrottle } from '../../auth/auth-throttle'
import { checkKey, tooManyAttemptsMessage } from '../../auth/key-check'
import { roleOf, type ConsoleKeys } from '../../auth/keys'
import type { Logger } from '../../runtime/logger'
import { deviceFilter } from '../../stream/device-filter'
import {
  ReportFeed,
  type FeedEnd,
  type FeedLimits,
  type FeedSink,
  type FeedSource
} from '../../stream/report-feed'
import { StreamHub, type StoredReports } from '../../stream/stream-hub'
import { parseStreamRequest, type StreamRequest } from '../../stream/stream-request'
import type { UpgradeRoute } from '../web-server'

export interface StreamServerOptions {
  keys: ConsoleKeys
  throttle: AuthThrottle
  /** The report store: read from when a stream is behind, listened to for what is stored. */
  store: FeedSource & StoredReports
  logger: Logger
  /** Streams open at once (`--max-streams`); as many more may be waiting for their key. */
  maxStreams?: number
  heartbeatMs?: number
  helloWithinMs?: number
  feed?: Partial<FeedLimits>
}

/** What `/stream` says when it closes a connection: reasons fit a close frame (123 bytes). */
export const STREAM_CLOSE_REASONS = {
  noKey:
    'send "Authorization: Bearer <key>" with the upgrade, or {"key":"<access or view key>"} first',
  wrongKey: 'wrong key',
  lost: 'retention deleted reports after that id: reconnect with since=<epoch ms> for what is kept',
  failed: 'the console could not read its store: reconnect with after=<the last _id received>',
  stopping: 'the console is stopping: reconnect with after=<the last _id received>',
  tooMany: (max: number) => `the console takes at most ${max} streams at once: try again later`
} as const

/** Standard close codes (RFC 6455) `/stream` uses besides its own. */
const GOING_AWAY = 1001
const INTERNAL_ERROR = 1011

interface StreamConnection {
  ws: WebSocket
  address: string
  /** Whether it answered the last ping. */
  alive: boolean
  /** Set once its key was accepted. */
  feed: ReportFeed | null
  hello: NodeJS.Timeout | undefined
}

/** Figures for diagnostics. */
export interface StreamCounts {
  open: number
  /** Streams reading the store because their reader fell behind (or asked for the past). */
  catchingUp: number
  /** Bytes sent and not yet taken by the streams' readers, in all. */
  queuedBytes: number
}

/**
 * `/stream`: plain WebSocket (RFC 6455) on the web port, for integrations in any language. A
 * client authenticates with either key — an `Authorization: Bearer` header on the upgrade, or a
 * first message `{"key":"…"}` — and is then sent every stored report from where it asked, one
 * JSON per text message, in store order (ReportFeed). The request guard (Host, Origin) has run
 * before an upgrade gets here.
 */
export class StreamServer {
  readonly route: UpgradeRoute
  private readonly wss: WebSocketServer
  private readonly hub: StreamHub
  private readonly connections = new Set<StreamConnection>()
  private readonly heartbeat: NodeJS.Timeout
  private readonly maxStreams: number
  private closing = false

  constructor(private readonly options: StreamServerOptions) {
    this.maxStreams = options.maxStreams ?? STREAM_LIMITS.defaultMaxStreams
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: STREAM_LIMITS.maxClientMessageBytes
    })
    this.hub = new StreamHub(options.store, options.logger)
    this.route = {
      path: STREAM_PATH,
      handle: (req, socket, head) => this.upgrade(req, socket, head)
    }
    this.heartbeat = setInterval(
      () => this.beat(),
      options.heartbeatMs ?? STREAM_LIMITS.heartbeatMs
    )
    this.heartbeat.unref()
  }

  counts(): StreamCounts {
    let open = 0
    let catchingUp = 0
    let queuedBytes = 0
    for (const { feed, ws } of this.connections) {
      if (feed === null) continue
      open += 1
      if (feed.state === 'reading' || feed.state === 'waiting') catchingUp += 1
      queuedBytes += ws.bufferedAmount
    }
    return { open, catchingUp, queuedBytes }
  }

  /** Closes every stream (`1001`, with where to resume) and takes no more. */
  close(): void {
    this.closing = true
    clearInterval(this.heartbeat)
    for (const connection of this.connections) {
      connection.feed?.stop()
      closeWith(connection.ws, GOING_AWAY, STREAM_CLOSE_REASONS.stopping)
    }
    this.hub.close()
    this.wss.close()
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.closing) {
      socket.destroy()
      return
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.opened(ws, req, socket))
  }

  private opened(ws: WebSocket, req: IncomingMessage, socket: Duplex): void {
    ws.on('error', (error) => this.options.logger.debug({ err: error }, 'stream connection failed'))
    const address = req.socket.remoteAddress ?? 'unknown'
    const target = req.url ?? ''
    const parsed = parseStreamRequest(
      target.includes('?') ? target.slice(target.indexOf('?') + 1) : ''
    )
    if ('refused' in parsed) {
      closeWith(ws, STREAM_CLOSE_CODES.badRequest, parsed.refused)
      return
    }
    const wait = this.options.throttle.blockedFor(address)
    if (wait > 0) {
      closeWith(ws, STREAM_CLOSE_CODES.throttled, tooManyAttemptsMessage(wait))
      return
    }
    const header = req.headers.authorization
    // Those waiting for their key are bounded like the open ones: a stranger without a key
    // can hold no more sockets than a full console's worth, each for helloWithinMs at most.
    if (header === undefined && this.waitingForKey() >= this.maxStreams) {
      closeWith(ws, STREAM_CLOSE_CODES.tooMany, STREAM_CLOSE_REASONS.tooMany(this.maxStreams))
      return
    }
    const connection: StreamConnection = { ws, address, alive: true, feed: null, hello: undefined }
    this.connections.add(connection)
    ws.on('pong', () => (connection.alive = true))
    ws.on('close', (code) => this.closed(connection, code))
    const request = parsed.request
    if (header !== undefined) {
      this.authenticate(connection, /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1], request, socket)
      return
    }
    connection.hello = setTimeout(
      () => closeWith(ws, STREAM_CLOSE_CODES.unauthorized, STREAM_CLOSE_REASONS.noKey),
      this.options.helloWithinMs ?? STREAM_LIMITS.helloWithinMs
    )
    ws.once('message', (data, isBinary) => {
      clearTimeout(connection.hello)
      this.authenticate(connection, keyOfHello(data, isBinary), request, socket)
    })
  }

  private authenticate(
    connection: StreamConnection,
    presented: string | undefined,
    request: StreamRequest,
    socket: Duplex
  ): void {
    const { ws, address } = connection
    if (ws.readyState !== ws.OPEN) return
    const verdict = checkKey(presented, (key) => roleOf(key, this.options.keys), {
      address,
      door: 'stream',
      throttle: this.options.throttle
    })
    if (!('granted' in verdict)) {
      if (verdict.refused === 'too_many_attempts')
        closeWith(ws, STREAM_CLOSE_CODES.throttled, tooManyAttemptsMessage(verdict.retryAfter))
      else
        closeWith(
          ws,
          STREAM_CLOSE_CODES.unauthorized,
          verdict.refused === 'no_key' ? STREAM_CLOSE_REASONS.noKey : STREAM_CLOSE_REASONS.wrongKey
        )
      return
    }
    if (this.counts().open >= this.maxStreams) {
      closeWith(ws, STREAM_CLOSE_CODES.tooMany, STREAM_CLOSE_REASONS.tooMany(this.maxStreams))
      return
    }
    const feed = new ReportFeed({
      source: this.options.store,
      sink: sinkOf(ws, socket),
      devices: deviceFilter(request.patterns),
      start: request.start,
      onEnd: (end) => this.ended(connection, end),
      limits: this.options.feed
    })
    connection.feed = feed
    this.hub.join(feed)
    this.options.logger.debug(
      {
        address,
        start: typeof request.start === 'string' ? request.start : Object.keys(request.start)[0],
        patterns: request.patterns?.length ?? 0
      },
      'stream opened'
    )
    feed.start()
  }

  private ended(connection: StreamConnection, end: FeedEnd): void {
    if ('lost' in end) {
      closeWith(connection.ws, STREAM_CLOSE_CODES.unknownReport, STREAM_CLOSE_REASONS.lost)
      return
    }
    this.options.logger.error({ err: end.error }, 'a stream could not read the store')
    closeWith(connection.ws, INTERNAL_ERROR, STREAM_CLOSE_REASONS.failed)
  }

  private closed(connection: StreamConnection, code: number): void {
    clearTimeout(connection.hello)
    this.connections.delete(connection)
    const { feed } = connection
    if (feed === null) return
    feed.stop()
    this.hub.leave(feed)
    this.options.logger.debug(
      { address: connection.address, sent: feed.sent, code },
      'stream closed'
    )
  }

  private waitingForKey(): number {
    let waiting = 0
    for (const { feed } of this.connections) if (feed === null) waiting += 1
    return waiting
  }

  /** A connection that did not answer the last ping is gone (or its reader stalled): cut it. */
  private beat(): void {
    for (const connection of this.connections) {
      if (!connection.alive) {
        connection.ws.terminate()
        continue
      }
      connection.alive = false
      connection.ws.ping()
    }
  }
}

/** The key of a first message `{"key":"…"}`; undefined for anything else. */
function keyOfHello(data: RawData, isBinary: boolean): string | undefined {
  if (isBinary) return undefined
  try {
    const hello = JSON.parse(data.toString()) as unknown
    const key = (hello as { key?: unknown } | null)?.key
    return typeof key === 'string' ? key : undefined
  } catch {
    return undefined
  }
}

/**
 * A feed's messages into the connection. A feed sends a run of messages at once (a batch, a
 * chunk of the store): corked, they leave in one write instead of one each.
 */
function sinkOf(ws: WebSocket, socket: Duplex): FeedSink {
  return {
    get bufferedAmount() {
      return ws.bufferedAmount
    },
    send: (message, written) => ws.send(message, { binary: false }, written),
    group(sends) {
      socket.cork()
      try {
        sends()
      } finally {
        socket.uncork()
      }
    }
  }
}

/** Closes with `reason`, cut to the 123 bytes a close frame holds (every reason here fits). */
function closeWith(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState !== ws.OPEN) return
  let text = reason
  while (Buffer.byteLength(text) > 123) text = text.slice(0, -1)
  ws.close(code, text)
}
