import {
  monitorEventLoopDelay,
  performance,
  type EventLoopUtilization,
  type IntervalHistogram
} from 'node:perf_hooks'

import type { DiagnosticsBody } from '../../../shared/api-types'
import { utilizationBetween } from '../metrics/loop-load'

export interface DiagnosticsSources {
  ingestConnections(): number
  /** Live viewers, counted where the live samples count them (LiveHub.viewerCount). */
  viewers(): number
  pushClients(): number
  /** `/stream` connections: how many, how many read the store, what their readers have not taken. */
  streams(): { open: number } & DiagnosticsBody['streams']
  live(): DiagnosticsBody['live']
  store: { reportCount: number; partitionCount: number; bytesStored(): Promise<number> }
  alarms(): DiagnosticsBody['alarms']
  sources?(): NonNullable<DiagnosticsBody['sources']>
  /** The console's clock, for the uptime. */
  now?: () => number
  /** The span the event-loop figures cover: the last one completed (60 s). */
  windowMs?: number
}

/** The event loop over one window: its delays, ms, and the share of it the loop was busy. */
interface LoopWindow {
  delays: DiagnosticsBody['eventLoopDelayMs']
  busy: number | null
}

/**
 * The console process's own health: memory, event-loop delay, open handles, connections and
 * the store's size. What a months-long run is judged by (`npm run soak` reads it every minute).
 */
export class ConsoleDiagnostics {
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 })
  private readonly now: () => number
  private readonly startedAt: number
  /** Where the window being filled began. */
  private windowStart: EventLoopUtilization = performance.eventLoopUtilization()
  /** The last window completed; null in the first. */
  private completed: LoopWindow | null = null
  private readonly rotation: NodeJS.Timeout

  constructor(private readonly sources: DiagnosticsSources) {
    this.now = sources.now ?? Date.now
    this.startedAt = this.now()
    this.loop.enable()
    this.rotation = setInterval(() => this.rotate(), sources.windowMs ?? 60_000).unref()
  }

  /**
   * The figures now. The event-loop delay and utilization are those of the last full window
   * (since the start, in the first): a read changes nothing, so two readers (an operator, a soak
   * script) see the same figures and neither takes a stall from the other.
   */
  async read(): Promise<DiagnosticsBody> {
    const memory = process.memoryUsage()
    const eventLoopDelayMs = this.completed?.delays ?? delaysOf(this.loop)
    const busy =
      this.completed === null
        ? utilizationBetween(performance.eventLoopUtilization(), this.windowStart)
        : this.completed.busy
    const handles: Record<string, number> = {}
    for (const kind of process.getActiveResourcesInfo()) handles[kind] = (handles[kind] ?? 0) + 1
    const { open: streams, ...streamCounts } = this.sources.streams()
    return {
      uptimeSeconds: Math.round((this.now() - this.startedAt) / 1000),
      memory: { rss: memory.rss, heapUsed: memory.heapUsed, external: memory.external },
      eventLoopDelayMs,
      eventLoopUtilization: busy === null ? null : Math.round(busy * 1000) / 1000,
      live: this.sources.live(),
      handles,
      connections: {
        ingest: this.sources.ingestConnections(),
        viewers: this.sources.viewers(),
        pushClients: this.sources.pushClients(),
        streams
      },
      streams: streamCounts,
      store: {
        reports: this.sources.store.reportCount,
        partitions: this.sources.store.partitionCount,
        bytesOnDisk: await this.sources.store.bytesStored()
      },
      alarms: this.sources.alarms(),
      ...(this.sources.sources === undefined ? {} : { sources: this.sources.sources() })
    }
  }

  stop(): void {
    clearInterval(this.rotation)
    this.loop.disable()
  }

  /** The window being filled becomes the completed one; a new one begins. */
  private rotate(): void {
    const delays = delaysOf(this.loop)
    this.loop.reset()
    const utilization = performance.eventLoopUtilization()
    this.completed = { delays, busy: utilizationBetween(utilization, this.windowStart) }
    this.windowStart = utilization
  }
}

function delaysOf(loop: IntervalHistogram): DiagnosticsBody['eventLoopDelayMs'] {
  const ms = (ns: number): number => Math.round(ns / 1e4) / 100
  return { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) }
}
