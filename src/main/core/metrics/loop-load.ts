import { performance, type EventLoopUtilization } from 'node:perf_hooks'

/** Where LoopLoad reads from: Node's own counters, replaceable in tests. */
export interface LoadSources {
  /** Node's event-loop utilization (all zeros where Node does not run the loop itself). */
  utilization(): EventLoopUtilization
  /** This process's CPU time, µs. */
  cpu(): NodeJS.CpuUsage
  /** Monotonic time, ms. */
  now(): number
}

const NODE_SOURCES: LoadSources = {
  utilization: () => performance.eventLoopUtilization(),
  cpu: () => process.cpuUsage(),
  now: () => performance.now()
}

/**
 * The share of the time between two readings the event loop was busy, 0–1; null when Node
 * counted neither idle nor active time (it does not run this loop: Electron's main process).
 */
export function utilizationBetween(
  later: EventLoopUtilization,
  earlier: EventLoopUtilization
): number | null {
  const idle = later.idle - earlier.idle
  const active = later.active - earlier.active
  return idle + active > 0 ? active / (idle + active) : null
}

/**
 * How busy the console is, 0 (idle) to 1: Node's event-loop utilization, averaged so that what
 * happened `windowMs` ago (a second by default) weighs half as much as what happens now. Load that
 * lasts reads as load within a few windows (two when the loop never rests); one GC pause or one
 * large batch does not. Read on demand — no timer — so a console nobody asks costs nothing; a
 * quiet spell between two reads counts for as long as it lasted.
 *
 * Inside Electron's main process Node does not run the loop itself (Chromium's message loop
 * drives it), and its utilization may stay at zero; then the process's CPU time per second of
 * wall time, up to one core, stands in for it.
 */
export class LoopLoad {
  private last: EventLoopUtilization
  private lastCpu: NodeJS.CpuUsage
  private lastAt: number
  private value = 0

  constructor(
    private readonly windowMs = 1000,
    private readonly sources: LoadSources = NODE_SOURCES
  ) {
    this.last = sources.utilization()
    this.lastCpu = sources.cpu()
    this.lastAt = sources.now()
  }

  /** The load now, taken: the smoothing moves on from here. What pacing decides by. */
  read(): number {
    const step = this.step()
    if (step === null) return this.value
    this.value = step.value
    this.last = step.utilization
    this.lastCpu = step.cpu
    this.lastAt = step.at
    return this.value
  }

  /**
   * What `read()` would answer now, without taking it: a look (diagnostics) between two reads
   * leaves the smoothing as it was, so how often anyone looks changes no reading.
   */
  peek(): number {
    return this.step()?.value ?? this.value
  }

  /** The smoothed value a read now would take, or null within a window of the last one. */
  private step(): {
    value: number
    utilization: EventLoopUtilization
    cpu: NodeJS.CpuUsage
    at: number
  } | null {
    const at = this.sources.now()
    const elapsed = at - this.lastAt
    if (elapsed < this.windowMs) return null
    const utilization = this.sources.utilization()
    const cpu = this.sources.cpu()
    const busy =
      utilizationBetween(utilization, this.last) ??
      Math.min(
        1,
        (cpu.user - this.lastCpu.user + cpu.system - this.lastCpu.system) / 1000 / elapsed
      )
    const weight = 1 - 0.5 ** (elapsed / this.windowMs) // one window: half
    return { value: this.value + (busy - this.value) * weight, utilization, cpu, at }
  }
}
