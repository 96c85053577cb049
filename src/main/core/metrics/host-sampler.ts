import { EventEmitter } from 'node:events'
import { cpus } from 'node:os'

import si from 'systeminformation'

import type { HostMetrics } from '../../../shared/live-events'
import type { Logger } from '../runtime/logger'
import { CpuLoad } from './cpu-load'

/** Where samples come from: the host's own counters (systemMetrics), anything in a test. */
export type MetricsSource = () => Promise<Omit<HostMetrics, 'time'>>

// One per process, as systeminformation's own state was: the console has one sampler.
const hostLoad = new CpuLoad()

/**
 * Per-core and total CPU load since the previous call (cpu-load.ts: without the shell
 * systeminformation's currentLoad runs), and memory in use (not cache) from systeminformation,
 * which reads /proc/meminfo.
 */
export const systemMetrics: MetricsSource = async () => {
  const mem = await si.mem()
  const load = hostLoad.read(cpus().map((c) => c.times))
  return {
    cpus: load.cpus.map(round1),
    cpu: round1(load.cpu),
    mem: { used: mem.active, total: mem.total }
  }
}

export interface HostSamplerOptions {
  source?: MetricsSource
  intervalMs?: number
  /** How much history to keep for a viewer's snapshot. */
  historyMs?: number
  logger: Logger
  now?: () => number
}

/**
 * The one host sampler of a console process. It is started with the console, not by the first
 * viewer, so there is never a second one and no race to start it; viewers only read its history
 * and listen to `sample`.
 */
export class HostSampler extends EventEmitter<{ sample: [HostMetrics] }> {
  private readonly history: HostMetrics[] = []
  private timer: NodeJS.Timeout | null = null
  private sampling = false
  private readonly source: MetricsSource
  private readonly intervalMs: number
  private readonly historyLength: number
  private readonly now: () => number

  constructor(private readonly options: HostSamplerOptions) {
    super()
    this.source = options.source ?? systemMetrics
    this.intervalMs = options.intervalMs ?? 1000
    this.historyLength = Math.ceil((options.historyMs ?? 600_000) / this.intervalMs)
    this.now = options.now ?? Date.now
  }

  start(): void {
    if (this.timer !== null) return
    this.timer = setInterval(() => void this.sample(), this.intervalMs)
    this.timer.unref()
    void this.sample()
  }

  private async sample(): Promise<void> {
    if (this.sampling) return // a slow source skips a tick rather than piling up
    this.sampling = true
    try {
      const sample = { time: this.now(), ...(await this.source()) }
      this.history.push(sample)
      if (this.history.length > this.historyLength)
        this.history.splice(0, this.history.length - this.historyLength)
      this.emit('sample', sample)
    } catch (error) {
      this.options.logger.warn({ err: error }, 'host sample failed')
    } finally {
      this.sampling = false
    }
  }

  /** The kept samples, oldest first. */
  recent(): HostMetrics[] {
    return this.history.slice()
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10
}
