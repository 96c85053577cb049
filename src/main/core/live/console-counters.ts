import type { HostMetrics } from '../../../shared/live-events'

/**
 * The console's own counters on each live host sample: reports stored per second since the
 * previous sample, and the live viewers at that moment.
 */
export class SampleCounters {
  private storedSinceSample = 0
  private lastSampleTime: number | null = null

  stored(count: number): void {
    this.storedSinceSample += count
  }

  /** `sample` with the counters, which start again from it. */
  stamp(sample: HostMetrics, viewers: number): HostMetrics {
    const seconds =
      this.lastSampleTime === null ? 1 : Math.max(0.001, (sample.time - this.lastSampleTime) / 1000)
    this.lastSampleTime = sample.time
    const reportsPerSecond = Math.round(this.storedSinceSample / seconds)
    this.storedSinceSample = 0
    return { ...sample, console: { reportsPerSecond, viewers } }
  }
}
