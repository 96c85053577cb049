import type { StoredReport } from '../../../shared/ingest-protocol'
import {
  SNAPSHOT_TOPICS,
  type HostMetrics,
  type LiveSnapshot,
  type LiveTopic,
  type LiveTopics,
  type SnapshotTopic
} from '../../../shared/live-events'
import { LoopLoad } from '../metrics/loop-load'
import { SampleCounters } from './console-counters'
import { LivePacing, type LivePace } from './live-pacing'
import type { LiveNamespace, LiveSocket } from './live-socket'
import { LocalViewers, type LiveListener } from './local-viewers'
import { RecentReports } from './recent-reports'
import { ReportBatcher } from './report-batcher'
import { SlowViewers } from './slow-viewers'

export type { LiveListener }

/** A topic that is one value: the value in the snapshot, then each new one. */
export type ValueTopic = 'alarmFlood' | 'sources'

/** A topic that is a list of things: all of them in the snapshot, then those that changed. */
export type ListTopic = Exclude<SnapshotTopic, 'reports' | 'metrics' | ValueTopic>

export interface ListSource<T> {
  list(): readonly T[]
  on(event: 'changed', listener: (changed: T[]) => void): unknown
}

export interface ValueSource<T> {
  current(): T
  on(event: 'changed', listener: (value: T) => void): unknown
}

/**
 * What the hub shows, one source per topic; each announces its own changes. A new list topic of
 * the map (`alarms`) needs its source here, and nothing else in the hub.
 */
export type LiveSources = {
  reports: { on(event: 'stored', listener: (reports: StoredReport[]) => void): unknown }
  metrics: {
    recent(): HostMetrics[]
    on(event: 'sample', listener: (sample: HostMetrics) => void): unknown
  }
} & { [K in ListTopic]: ListSource<LiveTopics[K][number]> } & {
  [K in ValueTopic]: ValueSource<LiveTopics[K]>
}

/** Every value topic, as a record: a topic added to ValueTopic fails to compile until it is here. */
const IS_VALUE_TOPIC: Record<ValueTopic, true> = { alarmFlood: true, sources: true }
const VALUE_TOPICS = Object.keys(IS_VALUE_TOPIC) as ValueTopic[]

const LIST_TOPICS = SNAPSHOT_TOPICS.filter(
  (topic): topic is ListTopic =>
    topic !== 'reports' && topic !== 'metrics' && !Object.hasOwn(IS_VALUE_TOPIC, topic)
)

export interface LiveHubOptions {
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

const ROOM = 'live'

/**
 * Fans the console's live topics out to every viewer: `/live` sockets and in-process listeners
 * (the desktop window) alike.
 *
 * - `reports` go out as batches (ReportBatcher: paced by LivePacing, held to a rate per viewer;
 *   what the rate leaves out is announced as `missed`, `overload`); each emit is one broadcast,
 *   encoded once for all viewers.
 * - A viewer whose connection has too many packets waiting is skipped for every topic but
 *   `metrics` (SlowViewers), and is sent `missed` once it keeps up again, so a slow viewer costs
 *   the others nothing and memory stays bounded. Metrics are volatile: a viewer not ready for
 *   one loses it.
 * - The snapshot is taken from memory, from what was already broadcast, in the same turn the
 *   viewer joins: what is still pending reaches it with the next batch, so it sees every report
 *   exactly once.
 */
export class LiveHub {
  private readonly recent: RecentReports
  private readonly pacing: LivePacing
  private readonly batcher: ReportBatcher
  private readonly slow: SlowViewers
  private readonly local = new LocalViewers()
  private readonly counters = new SampleCounters()

  constructor(
    private readonly nsp: LiveNamespace,
    private readonly sources: LiveSources,
    seedReports: StoredReport[],
    options: LiveHubOptions = {}
  ) {
    this.recent = new RecentReports(options.snapshotReports ?? 200)
    this.recent.add(seedReports)
    this.pacing = new LivePacing(options.load ?? new LoopLoad(), {
      underLoadMs: options.minIntervalMs ?? 50,
      lightMs: options.lightIntervalMs
    })
    const maxRate = Math.max(1, options.maxRate ?? 15_000)
    this.batcher = new ReportBatcher({
      pacing: this.pacing,
      maxBatch: Math.max(1, options.maxBatch ?? 750),
      maxRate,
      maxRateUnderLoad: Math.max(1, Math.min(maxRate, options.maxRateUnderLoad ?? 2000)),
      now: options.now ?? Date.now,
      emit: (batch, dropped) => {
        this.recent.add(batch)
        this.toKeepingUp('reports', batch, batch.length, dropped)
      }
    })
    this.slow = new SlowViewers(options.slowPackets ?? 16)

    sources.reports.on('stored', (reports) => {
      this.counters.stored(reports.length)
      this.batcher.add(reports)
    })
    for (const topic of LIST_TOPICS)
      sources[topic].on('changed', (changed) => this.toKeepingUp(topic, changed))
    for (const topic of VALUE_TOPICS)
      sources[topic].on('changed', (value) => this.toKeepingUp(topic, value))
    sources.metrics.on('sample', (sample) => this.onSample(sample))
    nsp.on('connection', (socket: LiveSocket) => {
      socket.on('disconnect', () => this.slow.forget(socket.id))
    })
  }

  /**
   * The snapshot a viewer starts from: what has been broadcast so far (reports still pending are
   * left out: they reach the viewer with the next batch, once it is in the room). Taken from
   * memory, in the same turn the viewer joins, so it sees every report exactly once.
   */
  snapshot(): LiveSnapshot {
    const lists = Object.fromEntries(
      LIST_TOPICS.map((topic) => [topic, [...this.sources[topic].list()]])
    ) as Pick<LiveSnapshot, ListTopic>
    const values = Object.fromEntries(
      VALUE_TOPICS.map((topic) => [topic, this.sources[topic].current()])
    ) as Pick<LiveSnapshot, ValueTopic>
    return {
      ...lists,
      ...values,
      reports: this.recent.newest(),
      metrics: this.sources.metrics.recent()
    }
  }

  /**
   * Makes an in-process viewer live and answers its snapshot, in the same turn: every event after
   * the answer reaches `listener`, none before it is missing from the snapshot.
   */
  subscribe(listener: LiveListener): { snapshot: LiveSnapshot; unsubscribe: () => void } {
    const unsubscribe = this.local.add(listener)
    return { snapshot: this.snapshot(), unsubscribe }
  }

  /** Sends the snapshot to a new viewer as its first events, and makes it live. */
  join(socket: LiveSocket): void {
    const snapshot = this.snapshot()
    for (const topic of SNAPSHOT_TOPICS) emit(socket, topic, snapshot[topic])
    this.slow.forget(socket.id)
    void socket.join(ROOM)
  }

  /** Live viewers now: `/live` sockets and in-process ones. The one count everyone shows. */
  viewerCount(): number {
    return this.nsp.sockets.size + this.local.size
  }

  /** Whether live batches go as under load, and their least interval, now; read, not decided. */
  pace(): LivePace {
    return this.pacing.now()
  }

  stop(): void {
    this.batcher.stop()
  }

  private onSample(sample: HostMetrics): void {
    const counted = this.counters.stamp(sample, this.viewerCount())
    this.nsp.to(ROOM).volatile.emit('metrics', [counted])
    this.local.send('metrics', [counted])
  }

  /**
   * Emits to every viewer that keeps up, in one broadcast; a slow viewer is skipped and counts
   * what it missed, and is told once it keeps up again. `overload` reports were dropped for all.
   */
  private toKeepingUp<E extends Exclude<LiveTopic, 'metrics' | 'missed'>>(
    event: E,
    payload: LiveTopics[E],
    reports = 0,
    overload = 0
  ): void {
    const slow: string[] = []
    const viewers = this.viewers()
    for (const socket of viewers) {
      const id = socket.id
      if (this.slow.isSlow(socket)) {
        slow.push(id)
        this.slow.skipped(id, reports + overload)
        continue
      }
      const missed = this.slow.caughtUp(id)
      if (missed !== undefined) socket.emit('missed', { reports: missed, reason: 'slow' })
      if (overload > 0) socket.emit('missed', { reports: overload, reason: 'overload' })
    }
    // Socket.IO encodes a broadcast before it looks for whom it goes to: nobody, nothing to encode.
    if (viewers.length > slow.length)
      emit(slow.length > 0 ? this.nsp.to(ROOM).except(slow) : this.nsp.to(ROOM), event, payload)
    if (overload > 0) this.local.send('missed', { reports: overload, reason: 'overload' })
    this.local.send(event, payload)
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
}

/** One topic's event to a socket or a room (Socket.IO's typings take no topic chosen at run time). */
function emit<E extends LiveTopic>(
  target: { emit: (...args: never[]) => unknown },
  event: E,
  payload: LiveTopics[E]
): void {
  ;(target.emit as (event: E, payload: LiveTopics[E]) => unknown)(event, payload)
}
