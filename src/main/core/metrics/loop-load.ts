import { performance, type EventLoopUtilization } from 'node:perf_hooks'

/**
 * How busy this process's event loop is, 0 (idle) to 1 (never idle): Node's event-loop
 * utilization per window of `windowMs` (a second by default), each new window weighing half.
 * Load that lasts reads as load within two windows; one GC pause or one large batch does not.
 * Read on demand — no timer — so a console nobody asks costs nothing; after a quiet spell the
 * first read's window is that spell.
 */
export class LoopLoad {
  private last: EventLoopUtilization = performance.eventLoopUtilization()
  private lastAt = performance.now()
  private value = 0

  constructor(private readonly windowMs = 1000) {}

  read(): number {
    const now = performance.now()
    if (now - this.lastAt >= this.windowMs) {
      const current = performance.eventLoopUtilization()
      const busy = performance.eventLoopUtilization(current, this.last).utilization
      this.value = (this.value + busy) / 2
      this.last = current
      this.lastAt = now
    }
    return this.value
  }
}
