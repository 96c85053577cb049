import type { StoredReport } from '../../../shared/ingest-protocol'
import type { ScanQuery } from '../store/partition-catalog'
import type { DeviceFilter } from './device-filter'
import { encodeReport, type BatchTaker, type EncodedBatch } from './stream-hub'
import type { StreamStart } from './stream-request'

/** Where a feed's messages go: one stream's connection. */
export interface FeedSink {
  /** Bytes sent and not yet handed to the network: what the reader has not taken yet. */
  readonly bufferedAmount: number
  /** Sends one text message; `written` runs once it is handed to the network, or failed to be. */
  send(message: Buffer, written: (error?: Error) => void): void
  /** Runs `sends` so that the messages it sends go out in as few writes as they can. */
  group(sends: () => void): void
}

/** The stored reports a feed reads when it is behind. */
export interface FeedSource {
  scan(query: ScanQuery): AsyncGenerator<StoredReport[]>
  /** The oldest report kept: a cursor before it may have lost reports to retention. */
  oldestId(): string | undefined
}

/** Why a feed stopped by itself: retention deleted reports it had not sent, or a read failed. */
export type FeedEnd = { lost: true } | { error: unknown }

export interface FeedLimits {
  /** Bytes waiting for the reader above which the feed sends no more and falls behind. */
  highWaterBytes: number
  /** ... and at or below which it goes on (from the store). */
  lowWaterBytes: number
  /** Reports per read from the store. */
  chunk: number
  /** Live reports held while a read from the store runs, at most (bytes, then count). */
  maxHeldBytes: number
  maxHeldReports: number
}

export const FEED_LIMITS: FeedLimits = {
  highWaterBytes: 1024 * 1024,
  lowWaterBytes: 256 * 1024,
  // A read of the active partition costs the reports it reads (found from the cursor by binary
  // search): 50,000 of them took 0.65 s in chunks of 1,000, the longest read 29 ms; a chunk of
  // 5,000 holds the event loop about five times as long as one of 1,000.
  chunk: 5000,
  maxHeldBytes: 2 * 1024 * 1024,
  maxHeldReports: 10_000
}

export interface ReportFeedOptions {
  source: FeedSource
  sink: FeedSink
  devices: DeviceFilter
  start: StreamStart
  onEnd(end: FeedEnd): void
  limits?: Partial<FeedLimits>
}

/**
 * - `reading`: sending from the store, from the cursor on (batches stored meanwhile are held);
 * - `live`: sending each batch as it is stored;
 * - `waiting`: the reader fell behind; once it has taken most of what it was sent, `reading`.
 */
export type FeedState = 'idle' | 'reading' | 'live' | 'waiting' | 'stopped'

interface Held {
  id: string
  time: number
  message: Buffer
}

/**
 * One stream's reports, every one once and in the order stored, however fast or slow its reader.
 * The cursor (the `_id` last sent) decides everything: the store's ids sort in the order the
 * reports were stored, so a report is due exactly when its id is after the cursor.
 *
 * Live, a batch is sent as it is stored, while the reader keeps up: the connection holds at most
 * `highWaterBytes` (plus a report). Past that the feed stops taking batches — nothing is queued
 * for a slow reader — and once the reader has drained to `lowWaterBytes` it reads the store from
 * its cursor, a chunk at a time, at the reader's pace. Ingest is never slowed: what a batch costs
 * a feed is bounded by the batch, and nothing it does is awaited by the store.
 *
 * The switch from the store to live is where a report could be lost or sent twice: one stored
 * while the last read runs may or may not be in that read. So every batch stored during a read
 * is held (up to `maxHeldBytes`), and when the read ends the held reports after the cursor are
 * sent, in the same turn the feed goes live. A read that held too much is followed by another.
 */
export class ReportFeed implements BatchTaker {
  private stateNow: FeedState = 'idle'
  private stopped = false
  /** The `_id` of the last report sent (or the `after` asked for): everything due is after it. */
  private cursor: string | undefined
  /** `since`, until the first report is sent. */
  private since: number | undefined
  private held: Held[] = []
  private heldBytes = 0
  private overflowed = false
  /** Messages handed to the sink whose `written` has not run yet. */
  private unwritten = 0
  private onDrained: (() => void) | null = null
  private readonly limits: FeedLimits
  private sentCount = 0

  constructor(private readonly options: ReportFeedOptions) {
    this.limits = { ...FEED_LIMITS, ...options.limits }
    const { start } = options
    if (start !== 'now') {
      if ('after' in start) this.cursor = start.after
      else this.since = start.since
    }
  }

  get state(): FeedState {
    return this.stateNow
  }

  /** Reports sent so far. */
  get sent(): number {
    return this.sentCount
  }

  /** Begins: with the store when the stream asked for a start, else live. */
  start(): void {
    if (this.stateNow !== 'idle') return
    if (this.options.start === 'now') this.stateNow = 'live'
    else void this.catchUp()
  }

  /** Sends no more; a read from the store still running stops at its next chunk. */
  stop(): void {
    this.stopped = true
    this.stateNow = 'stopped'
    this.held = []
    this.heldBytes = 0
    this.wake()
  }

  /** A batch just stored. O(batch): it is sent, held, or (while waiting) left to the store. */
  take(batch: EncodedBatch): void {
    if (this.stateNow === 'live') this.sendLive(batch)
    else if (this.stateNow === 'reading') this.hold(batch)
  }

  private sendLive(batch: EncodedBatch): void {
    const { reports } = batch
    this.options.sink.group(() => {
      for (let i = 0; i < reports.length; i++) {
        const report = reports[i]!
        if (!this.wanted(report)) continue
        // The first report is always sent: from then on the cursor says where the store resumes.
        if (this.cursor !== undefined && this.isFull()) {
          this.fallBehind()
          return
        }
        this.send(report._id!, batch.at(i))
      }
    })
  }

  private hold(batch: EncodedBatch): void {
    if (this.overflowed) return
    const { reports } = batch
    for (let i = 0; i < reports.length; i++) {
      const report = reports[i]!
      // Whether it is due is decided when the read ends: the read may still send it.
      if (!this.options.devices.test(report.device)) continue
      const message = batch.at(i)
      this.held.push({ id: report._id!, time: report.time, message })
      this.heldBytes += message.length
      if (
        this.held.length > this.limits.maxHeldReports ||
        this.heldBytes > this.limits.maxHeldBytes
      ) {
        // The store has them all: the next read will send them.
        this.overflowed = true
        this.held = []
        this.heldBytes = 0
        return
      }
    }
  }

  private async catchUp(): Promise<void> {
    try {
      for (;;) {
        if (this.lost()) {
          this.finish({ lost: true })
          return
        }
        // From here on every stored batch is held; every one stored before is in what the scan
        // reads, since it takes the store's partitions at its first step, in this same turn.
        this.stateNow = 'reading'
        this.held = []
        this.heldBytes = 0
        this.overflowed = false
        for await (const chunk of this.options.source.scan(this.scanQuery())) {
          let next = 0
          while (next < chunk.length) {
            next = this.sendRead(chunk, next)
            if (next < chunk.length) await this.drained()
            if (this.stopped) return
          }
          if (this.isFull()) await this.drained()
          if (this.stopped) return
        }
        if (this.stopped) return
        if (!this.overflowed) {
          this.goLive()
          return
        }
      }
    } catch (error) {
      this.finish({ error })
    }
  }

  /** Sends from `from` until the reader is full (at least one report); the next index. */
  private sendRead(chunk: StoredReport[], from: number): number {
    let i = from
    this.options.sink.group(() => {
      while (i < chunk.length && (i === from || !this.isFull())) {
        const report = chunk[i++]!
        if (this.wanted(report)) this.send(report._id!, encodeReport(report))
      }
    })
    return i
  }

  /** The read is over: what was stored meanwhile and not read is sent, and the feed is live. */
  private goLive(): void {
    const held = this.held
    this.held = []
    this.heldBytes = 0
    this.stateNow = 'live'
    this.options.sink.group(() => {
      for (const { id, time, message } of held) {
        if (!this.isDue(id, time)) continue
        if (this.cursor !== undefined && this.isFull()) {
          this.fallBehind()
          return
        }
        this.send(id, message)
      }
    })
  }

  private fallBehind(): void {
    this.stateNow = 'waiting'
    void this.drained().then(() => {
      if (!this.stopped) return this.catchUp()
    })
  }

  private scanQuery(): ScanQuery {
    const query: ScanQuery = { chunk: this.limits.chunk }
    if (this.cursor !== undefined) query.after = this.cursor
    else if (this.since !== undefined) query.since = this.since
    const { devices } = this.options.devices
    if (devices !== undefined) query.devices = devices
    return query
  }

  private wanted(report: StoredReport): boolean {
    return this.isDue(report._id!, report.time) && this.options.devices.test(report.device)
  }

  private isDue(id: string, time: number): boolean {
    if (this.cursor !== undefined) return id > this.cursor
    return this.since === undefined || time >= this.since
  }

  private send(id: string, message: Buffer): void {
    this.unwritten += 1
    this.cursor = id
    this.since = undefined
    this.sentCount += 1
    this.options.sink.send(message, this.written)
  }

  /**
   * Whether reports after the cursor may have been deleted: retention removes the oldest
   * partitions whole, so a cursor before the oldest report kept cannot vouch for what followed.
   */
  private lost(): boolean {
    const oldest = this.options.source.oldestId()
    return this.cursor !== undefined && oldest !== undefined && this.cursor < oldest
  }

  private isFull(): boolean {
    return this.options.sink.bufferedAmount > this.limits.highWaterBytes
  }

  private isDrained(): boolean {
    return this.unwritten === 0 || this.options.sink.bufferedAmount <= this.limits.lowWaterBytes
  }

  private drained(): Promise<void> {
    if (this.stopped || this.isDrained()) return Promise.resolve()
    return new Promise((resolve) => (this.onDrained = resolve))
  }

  private readonly written = (): void => {
    this.unwritten -= 1
    if (this.isDrained()) this.wake()
  }

  private wake(): void {
    const resolve = this.onDrained
    this.onDrained = null
    resolve?.()
  }

  private finish(end: FeedEnd): void {
    if (this.stopped) return
    this.stop()
    this.options.onEnd(end)
  }
}
