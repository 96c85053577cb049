import { performance, type EventLoopUtilization } from 'node:perf_hooks'

/**
 * How busy this process's event loop is, 0 (idle) to 1 (never idle): Node's event-loop
 * utilization, averaged so that what happened `windowMs` ago (a second by default) weighs half
 * as much as what happens now. Load that lasts reads as load within two windows; one GC pause
 * or one large batch does not. Read on demand — no timer — so a console nobody asks costs
 * nothing; a quiet spell between two reads counts for as long as it lasted.
 */
export class LoopLoad {
  private last: EventLoopUtilization = performance.eventLoopUtilization()
  private lastAt = performance.now()
  private value = 0

  constructor(private readonly windowMs = 1000) {}

  read(): number {
    const now = performance.now()
    const elapsed = now - this.lastAt
    if (elapsed >= this.windowMs) {
      const current = performance.eventLoopUtilization()
      const busy = performance.eventLoopUtilization(current, this.last).utilization
      const weight = 1 - 0.5 ** (elapsed / this.windowMs) // one window: half
      this.value += (busy - this.value) * weight
      this.last = current
      this.lastAt = now
    }
    return this.value
  }
}
