export interface LivePace {
  underLoad: boolean
  intervalMs: number
  /** The console's load as the pacing reads it, 0–1. */
  load: number
}

export interface LivePacingOptions {
  /** Least ms between two `reports` emits while the console is under load (--live-interval). */
  underLoadMs: number
  /** Least ms between two emits otherwise: one display frame; sooner shows nothing sooner. */
  lightMs?: number
  /** Event-loop utilization at or above which the console counts as under load… */
  enterLoad?: number
  /** …and below which it no longer does (the gap keeps it from flapping at the edge). */
  leaveLoad?: number
}

/**
 * How long live batches wait for one another. Under load — the console's load (LoopLoad: its
 * event loop's utilization, smoothed) at 70% or more, until it falls below 50% — at most one
 * emit per `underLoadMs`, so many viewers cost ingest little. Otherwise the console has time to
 * spare, and batches go out a display frame apart, so a report reaches the screen well within
 * that interval even at a high steady rate. (At 10,000 reports/s with 20 viewers the loop is
 * busy about 25–40%; at the top rate, 95% or more: the thresholds sit well clear of both, and
 * the smoothing keeps one GC pause from flipping it.)
 */
export class LivePacing {
  private underLoad = false
  private readonly lightMs: number
  private readonly enterLoad: number
  private readonly leaveLoad: number

  constructor(
    private readonly load: () => number,
    private readonly options: LivePacingOptions
  ) {
    this.lightMs = Math.min(options.lightMs ?? 16, options.underLoadMs)
    this.enterLoad = options.enterLoad ?? 0.7
    this.leaveLoad = options.leaveLoad ?? 0.5
  }

  /** The least time from the last emit to the next one, as things stand. */
  intervalMs(): number {
    return this.now().intervalMs
  }

  /** The load read now, whether it counts as under load, and the interval that follows. */
  now(): LivePace {
    const load = this.load()
    if (this.underLoad ? load < this.leaveLoad : load >= this.enterLoad)
      this.underLoad = !this.underLoad
    return {
      underLoad: this.underLoad,
      intervalMs: this.underLoad ? this.options.underLoadMs : this.lightMs,
      load: Math.round(load * 1000) / 1000
    }
  }
}
