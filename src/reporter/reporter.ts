import { EventEmitter } from 'node:events'
import { connect, type Socket } from 'node:net'

import type { IngestErrorCode, IngestReply } from '../shared/ingest-protocol'
import { ReplyLines } from './reply-lines'
import { SpillFile } from './spill-file'

export interface ReporterOptions {
  host: string
  port: number
  /** The device id every report carries. */
  device: string
  /** The device token, sent as `auth` when the console runs in token mode. */
  token?: string
  /** A file to keep unacknowledged reports in, so they survive a restart of this process. */
  bufferPath?: string
  /** Most reports kept unacknowledged; beyond it the oldest is dropped (and counted). */
  maxBuffer?: number
  /** Most reports sent and not yet acknowledged at once. */
  maxInFlight?: number
  /** Reconnect backoff: the first wait and the cap, ms (full jitter within them). */
  backoff?: { initialMs?: number; maxMs?: number }
  random?: () => number
}

/** An error reply of the console, as an event. */
export class ReporterError extends Error {
  constructor(
    readonly code: IngestErrorCode | 'buffer_full',
    message: string,
    readonly seq?: number
  ) {
    super(message)
  }
}

export interface ReporterStats {
  queued: number
  sent: number
  acked: number
  rejected: number
  dropped: number
}

interface ReporterEvents {
  connected: []
  disconnected: [error?: Error]
  /** The console rejected a report (it is not retried), or the buffer dropped one. */
  error: [error: ReporterError]
}

/**
 * Sends a device's reports to a Lookout console over protocol v1, at least once:
 * - every report gets a `seq` (the first from the clock in microseconds, then counting up) and is
 *   kept until its ack; after a reconnect the unacknowledged ones are sent again, and the
 *   console drops the duplicates;
 * - reconnects with capped exponential backoff and full jitter;
 * - keeps at most `maxBuffer` reports, dropping the oldest (counted, and an `error` event) —
 *   never unbounded memory; optionally mirrored to `bufferPath` to survive a restart;
 * - honours socket backpressure and never blocks the caller: `report()` only queues.
 * A report the console rejects (`bad_json`, `invalid_field`, `unauthorized`, …) is not retried.
 */
export class Reporter extends EventEmitter<ReporterEvents> {
  private readonly queue = new Map<number, string>()
  private readonly inFlight = new Set<number>()
  private readonly counters = { sent: 0, acked: 0, rejected: 0, dropped: 0 }
  private readonly replies = new ReplyLines()
  private readonly spill: SpillFile | null
  private socket: Socket | null = null
  private writable = false
  private nextSeq = Date.now() * 1000
  private attempt = 0
  private retryTimer: NodeJS.Timeout | null = null
  private compactTimer: NodeJS.Timeout | null = null
  private closed = false
  private waiters: Array<() => void> = []
  private readonly ready: Promise<void>
  private readonly maxBuffer: number
  private readonly maxInFlight: number

  constructor(private readonly options: ReporterOptions) {
    super()
    this.maxBuffer = options.maxBuffer ?? 10_000
    this.maxInFlight = options.maxInFlight ?? 500
    this.spill = options.bufferPath === undefined ? null : new SpillFile(options.bufferPath)
    this.ready = this.restore().then(() => this.connect())
  }

  /** Reports left by a previous run of this device process are queued first. */
  private async restore(): Promise<void> {
    if (this.spill === null) return
    for (const line of await this.spill.load()) {
      try {
        const seq = (JSON.parse(line) as { seq?: unknown }).seq
        if (typeof seq === 'number') {
          this.queue.set(seq, line + '\n')
          this.nextSeq = Math.max(this.nextSeq, seq + 1)
        }
      } catch {
        // A line cut short by a crash: it was never acknowledged, and cannot be sent.
      }
    }
    await this.spill.rewrite(() => this.queue.values())
  }

  /** Queues a report; returns its seq. Never blocks: the report goes out when it can. */
  report(data: Record<string, unknown>): number {
    if (this.closed) throw new Error('the reporter is closed')
    const seq = this.nextSeq++
    const fields: Record<string, unknown> = { ...data, device: this.options.device, seq }
    if (fields.ts === undefined) fields.ts = Date.now()
    if (this.options.token !== undefined) fields.auth = this.options.token
    const line = JSON.stringify(fields) + '\n'
    this.queue.set(seq, line)
    this.spill?.append(line)
    while (this.queue.size > this.maxBuffer) this.dropOldest()
    this.pump()
    return seq
  }

  private dropOldest(): void {
    const oldest = this.queue.keys().next().value!
    this.queue.delete(oldest)
    this.inFlight.delete(oldest)
    this.counters.dropped += 1
    this.emit(
      'error',
      new ReporterError(
        'buffer_full',
        `buffer of ${this.maxBuffer} reports full: dropped the oldest`,
        oldest
      )
    )
  }

  private connect(): void {
    if (this.closed) return
    const socket = connect({ host: this.options.host, port: this.options.port })
    this.socket = socket
    socket.setNoDelay(true)
    socket.setEncoding('utf8')
    socket.on('connect', () => {
      this.attempt = 0
      this.writable = true
      this.emit('connected')
      this.pump()
    })
    socket.on('data', (text: string) => {
      for (const reply of this.replies.push(text)) this.onReply(reply)
    })
    socket.on('drain', () => {
      this.writable = true
      this.pump()
    })
    socket.on('error', () => undefined) // 'close' follows with the reason
    socket.on('close', (hadError) => {
      this.socket = null
      this.writable = false
      this.inFlight.clear() // their acks will not come: they are sent again on the next connection
      this.replies.reset()
      this.emit('disconnected', hadError ? new Error('connection lost') : undefined)
      this.scheduleReconnect()
    })
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer !== null) return
    const initial = this.options.backoff?.initialMs ?? 250
    const cap = this.options.backoff?.maxMs ?? 30_000
    const ceiling = Math.min(cap, initial * 2 ** this.attempt)
    this.attempt += 1
    const wait = (this.options.random ?? Math.random)() * ceiling
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      this.connect()
    }, wait)
    this.retryTimer.unref()
  }

  /** Sends queued reports, oldest first, while the window and the socket allow. */
  private pump(): void {
    const socket = this.socket
    if (socket === null || !this.writable) return
    for (const [seq, line] of this.queue) {
      if (this.inFlight.size >= this.maxInFlight) break
      if (this.inFlight.has(seq)) continue
      this.inFlight.add(seq)
      this.counters.sent += 1
      if (!socket.write(line)) {
        this.writable = false // wait for 'drain'
        break
      }
    }
  }

  private onReply(reply: IngestReply): void {
    if ('ack' in reply) {
      if (this.queue.delete(reply.ack)) this.counters.acked += 1
      this.inFlight.delete(reply.ack)
    } else if (reply.error === 'unavailable') {
      // The console could not store it: keep it; it goes out again after a reconnect.
      if (reply.seq !== undefined) this.inFlight.delete(reply.seq)
      this.emit('error', new ReporterError(reply.error, reply.message, reply.seq))
      this.socket?.destroy()
      return
    } else {
      if (reply.seq !== undefined) {
        this.queue.delete(reply.seq)
        this.inFlight.delete(reply.seq)
      }
      this.counters.rejected += 1
      this.emit('error', new ReporterError(reply.error, reply.message, reply.seq))
    }
    this.scheduleCompaction()
    this.pump()
    if (this.queue.size === 0) this.wakeWaiters()
  }

  private scheduleCompaction(): void {
    if (this.spill === null || this.compactTimer !== null) return
    this.compactTimer = setTimeout(() => {
      this.compactTimer = null
      void this.spill?.rewrite(() => this.queue.values())
    }, 1000)
    this.compactTimer.unref()
  }

  private wakeWaiters(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }

  /** Resolves once every report queued so far is acknowledged or rejected; rejects after `timeoutMs`. */
  async flush(timeoutMs = 30_000): Promise<void> {
    await this.ready
    if (this.queue.size === 0) return
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`${this.queue.size} reports still unacknowledged after ${timeoutMs} ms`)
          ),
        timeoutMs
      )
      this.waiters.push(() => {
        clearTimeout(timer)
        resolve()
      })
    })
  }

  get stats(): ReporterStats {
    return { queued: this.queue.size, ...this.counters }
  }

  /** Stops sending and reconnecting; unacknowledged reports stay in the buffer file, if any. */
  async close(): Promise<void> {
    await this.ready
    if (this.closed) return
    this.closed = true
    if (this.retryTimer !== null) clearTimeout(this.retryTimer)
    if (this.compactTimer !== null) clearTimeout(this.compactTimer)
    this.socket?.end()
    this.socket?.destroy()
    if (this.spill !== null) {
      await this.spill.rewrite(() => this.queue.values())
      await this.spill.close()
    }
  }
}
