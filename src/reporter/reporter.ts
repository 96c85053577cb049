import { EventEmitter } from 'node:events'
import { connect, type Socket } from 'node:net'

import { INGEST_LIMITS, type IngestErrorCode, type IngestReply } from '../shared/ingest-protocol'
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
  /** With reports in flight and no reply for this long, the connection is taken for dead. */
  ackTimeoutMs?: number
  random?: () => number
}

/** An error reply of the console, or the reporter's own `buffer_full` / `buffer_file`. */
export class ReporterError extends Error {
  constructor(
    readonly code: IngestErrorCode | 'buffer_full' | 'buffer_file',
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
  /**
   * The console rejected a report (it is not retried), the buffer dropped one, or the buffer file
   * failed. Unlike a plain EventEmitter, a reporter without an `error` listener does not throw:
   * the `stats` count what happened.
   */
  error: [error: ReporterError]
}

/**
 * Sends a device's reports to a Lookout console over protocol v1, at least once:
 * - every report gets a `seq` (the first from the clock in microseconds, then counting up) and is
 *   kept until its ack; after a reconnect the unacknowledged ones are sent again, and the
 *   console drops the duplicates;
 * - reconnects with capped exponential backoff and full jitter, the backoff reset only by an ack
 *   (a console that accepts connections but stores nothing is not hammered);
 * - keeps at most `maxBuffer` reports, dropping the oldest (counted) — never unbounded memory;
 *   optionally mirrored to `bufferPath` to survive a restart;
 * - honours socket backpressure and never blocks the caller: `report()` only queues.
 * A report the console rejects (`invalid_field`, `unauthorized`, …) is not retried.
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
  private lastReply = 0
  private retryTimer: NodeJS.Timeout | null = null
  private compactTimer: NodeJS.Timeout | null = null
  private watchdog: NodeJS.Timeout | null = null
  private closed = false
  private flushWaiters: Array<{ upTo: number; done: () => void }> = []
  private readonly maxBuffer: number
  private readonly maxInFlight: number
  private readonly ackTimeoutMs: number

  constructor(private readonly options: ReporterOptions) {
    super()
    this.maxBuffer = options.maxBuffer ?? 10_000
    this.maxInFlight = options.maxInFlight ?? 500
    this.ackTimeoutMs = options.ackTimeoutMs ?? 30_000
    this.spill =
      options.bufferPath === undefined
        ? null
        : new SpillFile(options.bufferPath, (e) => this.fileFailed(e))
    this.restore()
    this.connect()
  }

  /** Reports left by a previous run of this device process go first (the newest maxBuffer of them). */
  private restore(): void {
    if (this.spill === null) return
    try {
      for (const line of this.spill.loadSync()) {
        let seq: unknown
        try {
          seq = (JSON.parse(line) as { seq?: unknown }).seq
        } catch {
          continue // a line cut short by a crash: never acknowledged, and cannot be sent
        }
        if (typeof seq !== 'number') continue
        this.queue.set(seq, line + '\n')
        this.nextSeq = Math.max(this.nextSeq, seq + 1)
      }
      while (this.queue.size > this.maxBuffer) this.dropOldest()
      this.spill.rewriteSync(this.queue.values())
    } catch (error) {
      this.fileFailed(error as Error)
    }
  }

  /**
   * Queues a report; returns its seq. Never blocks: the report goes out when it can. Throws for a
   * report the console would reject whatever happens (not JSON-serialisable, or over the line
   * limit), so it is never queued and retried in vain.
   */
  report(data: Record<string, unknown>): number {
    if (this.closed) throw new Error('the reporter is closed')
    const seq = this.nextSeq
    const fields: Record<string, unknown> = { ...data, device: this.options.device, seq }
    if (fields.ts === undefined) fields.ts = Date.now()
    if (this.options.token !== undefined) fields.auth = this.options.token
    const line = JSON.stringify(fields) + '\n'
    if (Buffer.byteLength(line) - 1 > INGEST_LIMITS.maxLineBytes) {
      throw new RangeError(`a report must serialise to at most ${INGEST_LIMITS.maxLineBytes} bytes`)
    }
    this.nextSeq += 1
    this.queue.set(seq, line)
    this.spill?.append(line)
    while (this.queue.size > this.maxBuffer) this.dropOldest()
    this.compactIfLong()
    this.pump()
    return seq
  }

  private dropOldest(): void {
    const oldest = this.queue.keys().next().value!
    this.queue.delete(oldest)
    this.inFlight.delete(oldest)
    this.counters.dropped += 1
    this.fail(
      new ReporterError(
        'buffer_full',
        `buffer of ${this.maxBuffer} reports full: dropped the oldest`,
        oldest
      )
    )
  }

  private fail(error: ReporterError): void {
    if (this.listenerCount('error') > 0) this.emit('error', error)
  }

  private fileFailed(error: Error): void {
    this.fail(new ReporterError('buffer_file', `buffer file: ${error.message}`))
  }

  private connect(): void {
    if (this.closed) return
    const socket = connect({ host: this.options.host, port: this.options.port })
    this.socket = socket
    socket.setNoDelay(true)
    // A console host that lost power sends no reset: keepalive and the ack watchdog notice.
    socket.setKeepAlive(true, 15_000)
    socket.setEncoding('utf8')
    socket.on('connect', () => {
      this.writable = true
      this.lastReply = Date.now()
      this.emit('connected')
      this.pump()
    })
    socket.on('data', (text: string) => {
      this.lastReply = Date.now()
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
    this.watchdog ??= setInterval(() => this.checkAcks(), Math.min(5_000, this.ackTimeoutMs))
    this.watchdog.unref()
  }

  private checkAcks(): void {
    if (
      this.socket !== null &&
      this.inFlight.size > 0 &&
      Date.now() - this.lastReply > this.ackTimeoutMs
    ) {
      this.socket.destroy() // reconnects, and sends the unacknowledged reports again
    }
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer !== null) return
    const initial = this.options.backoff?.initialMs ?? 250
    const cap = this.options.backoff?.maxMs ?? 30_000
    const ceiling = Math.min(cap, initial * 2 ** Math.min(this.attempt, 30))
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
      this.attempt = 0 // the console stores again: the next reconnect may be quick
    } else if (reply.error === 'unavailable') {
      // The console could not store it: keep it; it goes out again after a reconnect, whose
      // backoff keeps growing until the console acks again.
      if (reply.seq !== undefined) this.inFlight.delete(reply.seq)
      this.fail(new ReporterError(reply.error, reply.message, reply.seq))
      this.socket?.destroy()
      return
    } else {
      if (reply.seq !== undefined) {
        this.queue.delete(reply.seq)
        this.inFlight.delete(reply.seq)
      }
      this.counters.rejected += 1
      this.fail(new ReporterError(reply.error, reply.message, reply.seq))
    }
    this.scheduleCompaction()
    this.pump()
    this.wakeFlushes()
  }

  /** A file much longer than the buffer (reports dropped or acked since) is rewritten now. */
  private compactIfLong(): void {
    if (this.spill !== null && this.spill.lines > 2 * this.maxBuffer + 100)
      void this.spill.rewrite(() => this.queue.values())
  }

  private scheduleCompaction(): void {
    if (this.spill === null || this.compactTimer !== null) return
    this.compactTimer = setTimeout(() => {
      this.compactTimer = null
      void this.spill?.rewrite(() => this.queue.values())
    }, 1000)
    this.compactTimer.unref()
  }

  /** True when nothing queued before `upTo` is still waiting for its ack. */
  private settledBelow(upTo: number): boolean {
    const oldest = this.queue.keys().next()
    return oldest.done === true || oldest.value >= upTo
  }

  private wakeFlushes(): void {
    const waiting = this.flushWaiters
    this.flushWaiters = waiting.filter((w) => !this.settledBelow(w.upTo))
    for (const w of waiting) if (this.settledBelow(w.upTo)) w.done()
  }

  /**
   * Resolves once every report queued before this call is acknowledged, rejected or dropped
   * (later ones need not be); rejects after `timeoutMs`.
   */
  async flush(timeoutMs = 30_000): Promise<void> {
    const upTo = this.nextSeq
    if (this.settledBelow(upTo)) return
    await new Promise<void>((resolve, reject) => {
      const waiter = {
        upTo,
        done: () => {
          clearTimeout(timer)
          resolve()
        }
      }
      const timer = setTimeout(() => {
        this.flushWaiters = this.flushWaiters.filter((w) => w !== waiter)
        reject(new Error(`${this.queue.size} reports still unacknowledged after ${timeoutMs} ms`))
      }, timeoutMs)
      this.flushWaiters.push(waiter)
    })
  }

  get stats(): ReporterStats {
    return { queued: this.queue.size, ...this.counters }
  }

  /** Stops sending and reconnecting; unacknowledged reports stay in the buffer file, if any. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const timer of [this.retryTimer, this.compactTimer])
      if (timer !== null) clearTimeout(timer)
    if (this.watchdog !== null) clearInterval(this.watchdog)
    this.socket?.destroy()
    if (this.spill !== null) {
      await this.spill.rewrite(() => this.queue.values())
      await this.spill.close()
    }
  }
}
