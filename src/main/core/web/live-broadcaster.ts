import type { Namespace, Socket } from 'socket.io'

import type { StoredReport } from '../../../shared/ingest-protocol'
import type {
  ConsoleInfo,
  DeviceState,
  HostMetrics,
  LiveClientToServerEvents,
  LiveEvents,
  LiveSnapshot,
  LiveServerToClientEvents,
  PushClientState,
  Role
} from '../../../shared/live-events'
import { LoopLoad } from '../metrics/loop-load'
import { LivePacing, type LivePace } from './live-pacing'

export type LiveNamespace = Namespace<
  LiveClientToServerEvents,
  LiveServerToClientEvents,
  object,
  LiveSocketData
>
export type LiveSocket = Socket<
  LiveClientToServerEvents,
  LiveServerToClientEvents,
  object,
  LiveSocketData
>

export interface LiveSocketData {
  role: Role
  /** Where the console is, read when the viewer was let in. */
  info: ConsoleInfo
  lastResync?: number
}

/** What the broadcaster shows; each part announces its own changes. */
export interface LiveSources {
  reports: { on(event: 'stored', listener: (reports: StoredReport[]) => void): unknown }
  devices: {
    list(): DeviceState[]
    on(event: 'changed', listener: (devices: DeviceState[]) => void): unknown
  }
  metrics: {
    recent(): HostMetrics[]
    on(event: 'sample', listener: (sample: HostMetrics) => void): unknown
  }
  clients: {
    list(): readonly PushClientState[]
    on(event: 'changed', listener: (clients: PushClientState[]) => void): unknown
  }
}

export interface LiveBroadcasterOptions {
  /** Reports in a viewer's snapshot. */
  snapshotReports?: number
  /** Least time between two `reports` emits under load. */
  minIntervalMs?: number
  /** Least time between two emits when the console is not under load (default 16, one frame). */
  lightIntervalMs?: number
  /** How busy the console is, 0–1 (default: its event loop's utilization). */
  load?: () => number
  /** Most reports in one emit (750): also the most a viewer is sent at once after a quiet spell. */
  maxBatch?: number
  /** Reports a second a viewer is sent at most, however often batches go (15,000). */
  maxRate?: number
  /**
   * The same while the console is under load (2,000): it sheds live-view work to keep storing,
   * and a flood does not become a copy per viewer on the network.
   */
  maxRateUnderLoad?: number
  /** Packets waiting for a viewer above which it counts as slow and is skipped. */
  slowPackets?: number
  now?: () => number
}

/** An in-process viewer (the desktop window): gets the same events as a `/live` socket. */
export type LiveListener = <E extends keyof LiveEvents>(
  event: E,
  payload: Parameters<LiveEvents[E]>[0]
) => void

const ROOM = 'live'

/**
 * Fans the console's events out to every `/live` viewer.
 *
 * - `reports` go out as arrays, at once when the rate is low (leading edge), otherwise at most one
 *   emit per `minIntervalMs` while the console is under load and per display frame while it is
 *   not (LivePacing); each emit is one broadcast, encoded once for all viewers. Each viewer is
 *   sent at most `maxRate` reports a second (`maxRateUnderLoad` under load): the oldest beyond
 *   that are dropped from the batch and announced as `missed` (`overload`).
 * - A viewer whose connection has too many packets waiting is skipped for `reports` and
 *   `devices`, and is sent `missed` once it keeps up again, so a slow viewer costs the others
 *   nothing and memory stays bounded. Metrics are volatile: a viewer not ready for one loses it.
 * - The snapshot is taken from memory, from what was already broadcast, in the same turn the
 *   viewer joins: what is still pending reaches it with the next batch, so it sees every report
 *   exactly once.
 */
export class LiveBroadcaster {
  /** The newest reports already broadcast (or seeded from the store): the snapshot's. */
  private readonly recentReports: StoredReport[] = []
  private pending: StoredReport[] = []
  private timer: NodeJS.Timeout | null = null
  private lastEmit = -Infinity
  private readonly missed = new Map<string, number>()
  private readonly listeners = new Set<LiveListener>()
  /** Reports stored since the last host sample, for the per-second rate. */
  private storedSinceSample = 0
  private lastSampleTime: number | null = null
  private readonly snapshotReports: number
  private readonly pacing: LivePacing
  private readonly maxBatch: number
  private readonly maxRate: number
  private readonly maxRateUnderLoad: number
  /** Reports a viewer may be sent now, up to maxBatch: refills at the rate that applies. */
  private allowance: number
  private readonly slowPackets: number
  private readonly now: () => number

  constructor(
    private readonly nsp: LiveNamespace,
    private readonly sources: LiveSources,
    seedReports: StoredReport[],
    options: LiveBroadcasterOptions = {}
  ) {
    this.snapshotReports = options.snapshotReports ?? 200
    const meter = new LoopLoad()
    const load = options.load ?? (() => meter.read())
    this.pacing = new LivePacing(load, {
      underLoadMs: options.minIntervalMs ?? 50,
      lightMs: options.lightIntervalMs
    })
    this.maxBatch = Math.max(1, options.maxBatch ?? 750)
    this.maxRate = Math.max(1, options.maxRate ?? 15_000)
    this.maxRateUnderLoad = Math.max(1, Math.min(this.maxRate, options.maxRateUnderLoad ?? 2000))
    this.allowance = this.maxBatch
    this.slowPackets = options.slowPackets ?? 16
    this.now = options.now ?? Date.now
    this.remember(seedReports)
    sources.reports.on('stored', (reports) => this.onStored(reports))
    sources.devices.on('changed', (devices) => this.toKeepingUp('devices', devices))
    sources.clients.on('changed', (clients) => this.toKeepingUp('clients', clients))
    sources.metrics.on('sample', (sample) => this.onSample(sample))
    nsp.on('connection', (socket: LiveSocket) => {
      socket.on('disconnect', () => this.missed.delete(socket.id))
    })
  }

  /**
   * The snapshot a viewer starts from: what has been broadcast so far (reports still pending are
   * left out: they reach the viewer with the next batch, once it is in the room). Taken from
   * memory, in the same turn the viewer joins, so it sees every report exactly once.
   */
  snapshot(): LiveSnapshot {
    return {
      devices: this.sources.devices.list(),
      clients: [...this.sources.clients.list()], // a copy of the cached list: cheap, no sort
      reports: this.recentReports.slice(-this.snapshotReports),
      metrics: this.sources.metrics.recent()
    }
  }

  /**
   * Makes an in-process viewer live and answers its snapshot, in the same turn: every event after
   * the answer reaches `listener`, none before it is missing from the snapshot.
   */
  subscribe(listener: LiveListener): { snapshot: LiveSnapshot; unsubscribe: () => void } {
    this.listeners.add(listener)
    return { snapshot: this.snapshot(), unsubscribe: () => this.listeners.delete(listener) }
  }

  /** Sends the snapshot to a new viewer as its first events, and makes it live. */
  join(socket: LiveSocket): void {
    const snapshot = this.snapshot()
    socket.emit('devices', snapshot.devices)
    socket.emit('clients', snapshot.clients)
    socket.emit('reports', snapshot.reports)
    socket.emit('metrics', snapshot.metrics)
    this.missed.delete(socket.id)
    void socket.join(ROOM)
  }

  private onSample(sample: HostMetrics): void {
    const seconds =
      this.lastSampleTime === null ? 1 : Math.max(0.001, (sample.time - this.lastSampleTime) / 1000)
    this.lastSampleTime = sample.time
    const counted: HostMetrics = {
      ...sample,
      console: {
        reportsPerSecond: Math.round(this.storedSinceSample / seconds),
        viewers: this.nsp.sockets.size + this.listeners.size
      }
    }
    this.storedSinceSample = 0
    this.nsp.to(ROOM).volatile.emit('metrics', [counted])
    this.toListeners('metrics', [counted])
  }

  private toListeners<E extends keyof LiveEvents>(
    event: E,
    payload: Parameters<LiveEvents[E]>[0]
  ): void {
    for (const listener of this.listeners) listener(event, payload)
  }

  private onStored(reports: StoredReport[]): void {
    this.storedSinceSample += reports.length
    for (const r of reports) this.pending.push(r)
    if (this.timer !== null) return
    const interval = this.pacing.intervalMs()
    // Never longer than the interval, should the clock step back.
    const wait = Math.min(interval, this.lastEmit + interval - this.now())
    if (wait <= 0) this.flush()
    else this.timer = setTimeout(() => this.flush(), wait)
  }

  private remember(reports: StoredReport[]): void {
    for (const r of reports) this.recentReports.push(r)
    const excess = this.recentReports.length - this.snapshotReports
    if (excess > this.snapshotReports) this.recentReports.splice(0, excess) // amortised trimming
  }

  private flush(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    if (this.pending.length === 0) return
    let batch = this.pending
    this.pending = []
    const now = this.now()
    // However often batches go, a viewer gets no more than the rate allows (the clock may step).
    const rate = this.pacing.now().underLoad ? this.maxRateUnderLoad : this.maxRate
    const sinceLastMs = Math.min(Math.max(0, now - this.lastEmit), 60_000)
    this.allowance = Math.min(this.maxBatch, this.allowance + (sinceLastMs * rate) / 1000)
    this.lastEmit = now
    const room = Math.max(1, Math.floor(this.allowance))
    let dropped = 0
    if (batch.length > room) {
      dropped = batch.length - room
      batch = batch.slice(dropped)
    }
    this.allowance -= batch.length
    this.remember(batch)
    this.toKeepingUp('reports', batch, batch.length, dropped)
  }

  /**
   * Emits to every viewer that keeps up, in one broadcast; a slow viewer is skipped and counts
   * what it missed, and is told once it keeps up again. `overload` reports were dropped for all.
   */
  private toKeepingUp<E extends 'reports' | 'devices' | 'clients'>(
    event: E,
    payload: Parameters<LiveServerToClientEvents[E]>[0],
    reportCount = 0,
    overload = 0
  ): void {
    const slow: string[] = []
    const viewers = this.viewers()
    for (const socket of viewers) {
      const id = socket.id
      if (pendingPackets(socket) > this.slowPackets) {
        slow.push(id)
        this.missed.set(id, (this.missed.get(id) ?? 0) + reportCount + overload)
        continue
      }
      const missed = this.missed.get(id)
      if (missed !== undefined) {
        this.missed.delete(id)
        socket.emit('missed', { reports: missed, reason: 'slow' })
      }
      if (overload > 0) socket.emit('missed', { reports: overload, reason: 'overload' })
    }
    // Socket.IO encodes a broadcast before it looks for whom it goes to: nobody, nothing to encode.
    if (viewers.length > slow.length) {
      const target = slow.length > 0 ? this.nsp.to(ROOM).except(slow) : this.nsp.to(ROOM)
      ;(target.emit as (event: E, payload: unknown) => boolean)(event, payload)
    }
    if (overload > 0) this.toListeners('missed', { reports: overload, reason: 'overload' })
    this.toListeners(event, payload as Parameters<LiveEvents[E]>[0])
  }

  private viewers(): LiveSocket[] {
    const room = this.nsp.adapter.rooms.get(ROOM)
    if (room === undefined) return []
    const sockets: LiveSocket[] = []
    for (const id of room) {
      const socket = this.nsp.sockets.get(id)
      if (socket !== undefined) sockets.push(socket)
    }
    return sockets
  }

  /** Whether live batches are paced as under load, and their least interval now. */
  pace(): LivePace {
    return this.pacing.now()
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }
}

/**
 * Packets engine.io holds for this viewer because its transport is not writable: the measure of
 * a stalled viewer. `writeBuffer` is engine.io's own queue (not in its typings); when it is not
 * there, an unwritable transport counts as a full queue.
 */
function pendingPackets(socket: LiveSocket): number {
  const conn = socket.conn as unknown as {
    writeBuffer?: unknown[]
    transport?: { writable?: boolean }
  }
  if (Array.isArray(conn.writeBuffer)) return conn.writeBuffer.length
  return conn.transport?.writable === false ? Infinity : 0
}
