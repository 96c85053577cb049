import { EventEmitter } from 'node:events'

import type { DeviceSummary } from '../../../shared/api-types'
import type { SeriesBody, SeriesQuery } from '../../../shared/history-types'
import type { StoredReport } from '../../../shared/ingest-protocol'
import {
  PartitionCatalog,
  type PartitionCatalogOptions,
  type PartitionInfo,
  type ReportQuery,
  type ScanQuery
} from './partition-catalog'
import { SeqWindow } from './seq-window'
import type { FieldPathsPart } from './scan-field-paths'

/** Called once a submitted report is durable (written to the OS), or with the error that stopped it. */
export type StoredCallback = (error?: Error) => void

export interface ReportStoreOptions extends PartitionCatalogOptions {
  /** Largest group commit: one append to the active partition (NeDB: one insert, one file append). */
  maxBatch?: number
  /** Queued reports above which `saturated` is true and ingest stops reading. */
  highWater?: number
  /**
   * Largest group commit by the size of its reports as sent (their lines' bytes): the store's
   * insert runs in one turn of the event loop, and its cost grows with what a report holds, so a
   * batch of large reports must not hold every other connection and request for seconds.
   */
  maxBatchBytes?: number
  /** Queued report bytes above which `saturated` is true, as for `highWater`. */
  highWaterBytes?: number
  /** Runs of seq values remembered per device for dedup (see SeqWindow). */
  dedupRuns?: number
  retentionCheckMs?: number
  now?: () => number
}

interface StoreEvents {
  /** Reports just made durable, in commit order. */
  stored: [reports: StoredReport[]]
  /** Partitions deleted by retention. */
  dropped: [partitions: PartitionInfo[]]
  /** The queue fell below its high-water mark. */
  drain: []
}

/**
 * Group commit in front of the partition catalog: reports are queued as they arrive; whenever no
 * commit is running, everything queued (up to `maxBatch`) is written in one insert, then each
 * report's callback runs. At a low rate a report is written on the next turn of the event loop
 * with no added wait; at a high rate batches grow by themselves while the previous one commits.
 *
 * Also the dedup point: a report whose (device, seq) was already stored is acknowledged again
 * without being stored; one that is still queued waits for the first copy's commit.
 */
export class ReportStore extends EventEmitter<StoreEvents> {
  // The queue, as three arrays in step rather than an object per report: the commit path runs
  // for every report stored, and each allocation there is paid again by the garbage collector.
  private queue: StoredReport[] = []
  private callbacks: StoredCallback[] = []
  /** Each queued report's size as sent, for the byte bounds; 0 when not known. */
  private sizes: number[] = []
  /**
   * Per device, the seqs queued and not yet committed, with the callbacks of copies that arrived
   * meanwhile (null while there are none: most reports never have a copy).
   */
  private readonly queuedSeqs = new Map<string, Map<number, StoredCallback[] | null>>()
  private running = false
  /** Batches failed in a row: a full disk is logged once, and its end once. */
  private failedBatches = 0
  private scheduled = false
  private retentionDue = false
  private idle: Array<() => void> = []
  private retentionTimer: NodeJS.Timeout | undefined
  private readonly maxBatch: number
  private readonly highWater: number
  private readonly maxBatchBytes: number
  private readonly highWaterBytes: number
  private queuedBytes = 0
  private readonly now: () => number

  private constructor(
    private readonly catalog: PartitionCatalog,
    private readonly window: SeqWindow,
    private readonly options: ReportStoreOptions
  ) {
    super()
    this.setMaxListeners(0) // every ingest connection waiting on `drain` adds one
    this.maxBatch = options.maxBatch ?? 2000
    this.highWater = options.highWater ?? 20_000
    // 256 KiB: a batch of the largest reports allowed costs a few hundred ms at worst, while a
    // batch of ordinary ones (~150 bytes) still holds about as many as maxBatch.
    this.maxBatchBytes = options.maxBatchBytes ?? 256 * 1024
    // 8 MiB: ordinary reports reach the count bound first; large ones must not queue a minute of
    // work ahead of every other device.
    this.highWaterBytes = options.highWaterBytes ?? 8 * 1024 * 1024
    this.now = options.now ?? Date.now
  }

  static async open(options: ReportStoreOptions): Promise<ReportStore> {
    const recent: Array<[device: string, seq: number]> = []
    const catalog = await PartitionCatalog.open(options, (report) => {
      if (report.seq !== undefined) recent.push([report.device, report.seq])
    })
    // Files need not be in seq order (NeDB rewrites them in _id order, and a device's resends
    // arrive late); fed unsorted, the window would fragment into many runs and drop genuine
    // recent seqs at its bound.
    recent.sort((a, b) => a[1] - b[1])
    const window = new SeqWindow(options.dedupRuns ?? 1024)
    for (const [device, seq] of recent) window.add(device, seq)
    const store = new ReportStore(catalog, window, options)
    await store.runRetention()
    store.retentionTimer = setInterval(
      () => store.scheduleRetention(),
      options.retentionCheckMs ?? 3_600_000
    )
    store.retentionTimer.unref()
    return store
  }

  /** True while the queue is over its high-water mark; wait for `drain` before submitting more. */
  get saturated(): boolean {
    return this.queue.length >= this.highWater || this.queuedBytes >= this.highWaterBytes
  }

  /** Queues a report for the next group commit; `bytes` is its size as sent, when known. */
  submit(report: StoredReport, done: StoredCallback, bytes = 0): void {
    if (report.seq !== undefined) {
      if (this.window.has(report.device, report.seq)) {
        done()
        return
      }
      let seqs = this.queuedSeqs.get(report.device)
      if (seqs === undefined) {
        seqs = new Map()
        this.queuedSeqs.set(report.device, seqs)
      }
      const waiting = seqs.get(report.seq)
      if (waiting !== undefined) {
        if (waiting === null) seqs.set(report.seq, [done])
        else waiting.push(done)
        return
      }
      seqs.set(report.seq, null)
    }
    this.queue.push(report)
    this.callbacks.push(done)
    this.sizes.push(bytes)
    this.queuedBytes += bytes
    this.kick()
  }

  private kick(): void {
    if (this.running || this.scheduled) return
    this.scheduled = true
    // setImmediate, not a timer: it lets the reports of this I/O turn join the batch, no longer.
    setImmediate(() => void this.run())
  }

  /**
   * The one loop that touches the catalog: batches and retention take turns, never overlap, so
   * a partition cannot close or be deleted under a write.
   */
  private async run(): Promise<void> {
    this.scheduled = false
    this.running = true
    try {
      while (this.queue.length > 0 || this.retentionDue) {
        if (this.retentionDue) {
          this.retentionDue = false
          await this.runRetention()
        }
        if (this.queue.length > 0) await this.commitBatch()
      }
    } finally {
      this.running = false
      const idle = this.idle
      this.idle = []
      for (const resolve of idle) resolve()
    }
  }

  private async commitBatch(): Promise<void> {
    const length = this.batchLength()
    const batch = this.take(length)
    let stored: StoredReport[] = []
    let error: Error | undefined
    const partitionsBefore = this.catalog.partitionCount()
    try {
      stored = await this.catalog.append(batch.reports)
      // A partition just closed: the count limit of retention may now be exceeded.
      if (this.catalog.partitionCount() !== partitionsBefore) this.retentionDue = true
      if (this.failedBatches > 0) {
        this.options.logger.warn(
          { failedBatches: this.failedBatches },
          'store writes work again; reports refused meanwhile were answered `unavailable`'
        )
        this.failedBatches = 0
      }
    } catch (e) {
      error = e instanceof Error ? e : new Error(String(e))
      // A full disk fails every batch until space returns: say so once, not once a batch.
      if (this.failedBatches++ === 0)
        this.options.logger.error(
          { err: error, reports: length },
          'store write failed: answering `unavailable` until writes work again'
        )
    }
    const { reports, callbacks } = batch
    for (let i = 0; i < length; i++) {
      const report = reports[i]!
      let copies: StoredCallback[] | null | undefined
      if (report.seq !== undefined) {
        const seqs = this.queuedSeqs.get(report.device)
        if (seqs !== undefined) {
          copies = seqs.get(report.seq)
          seqs.delete(report.seq)
          if (seqs.size === 0) this.queuedSeqs.delete(report.device)
        }
        if (error === undefined) this.window.add(report.device, report.seq)
      }
      this.notify(callbacks[i]!, error)
      if (copies) for (const copy of copies) this.notify(copy, error)
    }
    if (stored.length > 0) this.guard('stored listener', () => this.emit('stored', stored))
    if (!this.saturated) this.guard('drain listener', () => this.emit('drain'))
  }

  /** How many queued reports the next batch takes: up to maxBatch and maxBatchBytes, at least one. */
  private batchLength(): number {
    let bytes = 0
    let length = 0
    while (length < this.queue.length && length < this.maxBatch) {
      bytes += this.sizes[length]!
      if (length > 0 && bytes > this.maxBatchBytes) break
      length += 1
    }
    return length
  }

  /** Takes the first `length` queued reports and their callbacks off the queue. */
  private take(length: number): { reports: StoredReport[]; callbacks: StoredCallback[] } {
    for (let i = 0; i < length; i++) this.queuedBytes -= this.sizes[i]!
    if (length === this.queue.length) {
      // The usual case (the whole queue): the arrays change hands instead of being copied.
      const taken = { reports: this.queue, callbacks: this.callbacks }
      this.queue = []
      this.callbacks = []
      this.sizes = []
      return taken
    }
    this.sizes.splice(0, length)
    return { reports: this.queue.splice(0, length), callbacks: this.callbacks.splice(0, length) }
  }

  /** Like guard, without a closure per call: it runs for every report stored. */
  private notify(done: StoredCallback, error: Error | undefined): void {
    try {
      done(error)
    } catch (thrown) {
      this.options.logger.error({ err: thrown }, 'store callback threw')
    }
  }

  /** A throwing callback or listener is logged; it must never stop the commit loop. */
  private guard(what: string, fn: () => void): void {
    try {
      fn()
    } catch (error) {
      this.options.logger.error({ err: error }, `${what} threw`)
    }
  }

  /** Resolves once everything submitted so far is written. */
  flush(): Promise<void> {
    if (!this.running && !this.scheduled && this.queue.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.idle.push(resolve))
  }

  query(query: ReportQuery): Promise<StoredReport[]> {
    return this.catalog.find(query)
  }

  /** Stored reports oldest first, a chunk at a time (see PartitionCatalog.scan). */
  scan(query: ScanQuery): AsyncGenerator<StoredReport[]> {
    return this.catalog.scan(query)
  }

  /** The field paths of what a scan of `query` yields (see PartitionCatalog.fieldPaths). */
  fieldPaths(query: ScanQuery): AsyncGenerator<FieldPathsPart> {
    return this.catalog.fieldPaths(query)
  }

  /** The id of the newest report stored, when known. */
  newestId(): string | undefined {
    return this.catalog.newestId()
  }

  /** At most how many reports a scan of `query` yields (see PartitionCatalog.estimateScan). */
  estimateScan(query: ScanQuery): number {
    return this.catalog.estimateScan(query)
  }

  /** The id of the oldest report kept, when known: a stream resuming before it lost reports. */
  oldestId(): string | undefined {
    return this.catalog.oldestId()
  }

  /**
   * One device's numeric fields over a range, downsampled to at most `points` buckets (check the
   * range with planSeries first: a RangeError otherwise).
   */
  series(query: SeriesQuery): Promise<SeriesBody> {
    return this.catalog.series(query)
  }

  /** Resolves once no rollup is being rebuilt in the background (specs, the bench). */
  rollupsRebuilt(): Promise<void> {
    return this.catalog.rollups.settled()
  }

  deviceSummaries(): DeviceSummary[] {
    return this.catalog.deviceSummaries()
  }

  get reportCount(): number {
    return this.catalog.reportCount()
  }

  get partitionCount(): number {
    return this.catalog.partitionCount()
  }

  /** What the kept reports take in storage, in bytes. */
  bytesStored(): Promise<number> {
    return this.catalog.bytesStored()
  }

  /** Asks the commit loop to apply retention at its next turn. */
  private scheduleRetention(): void {
    this.retentionDue = true
    this.kick()
  }

  private async runRetention(): Promise<void> {
    try {
      const dropped = await this.catalog.applyRetention(this.now())
      if (dropped.length > 0) this.guard('dropped listener', () => this.emit('dropped', dropped))
    } catch (error) {
      this.options.logger.error({ err: error }, 'retention failed')
    }
  }

  async close(): Promise<void> {
    clearInterval(this.retentionTimer)
    await this.flush()
    await this.catalog.close()
  }
}
