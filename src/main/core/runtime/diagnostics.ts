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
}

/**
 * The console process's own health: memory, event-loop delay, open handles, connections and
 * the store's size. What a months-long run is judged by (`npm run soak` reads it every minute).
 */
export class ConsoleDiagnostics {
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 })
  private readonly now: () => number
  private readonly startedAt: number
  private utilization: EventLoopUtilization = performance.eventLoopUtilization()

  constructor(private readonly sources: DiagnosticsSources) {
    this.now = sources.now ?? Date.now
    this.startedAt = this.now()
    this.loop.enable()
  }

  /** The figures now; the event-loop delay is that since the previous read. */
  async read(): Promise<DiagnosticsBody> {
    const memory = process.memoryUsage()
    const ms = (ns: number): number => Math.round(ns / 1e4) / 100
    const eventLoopDelayMs = {
      p50: ms(this.loop.percentile(50)),
      p99: ms(this.loop.percentile(99)),
      max: ms(this.loop.max)
    }
    this.loop.reset()
    const utilization = performance.eventLoopUtilization()
    const busy = utilizationBetween(utilization, this.utilization)
    this.utilization = utilization
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
    this.loop.disable()
  }
}
