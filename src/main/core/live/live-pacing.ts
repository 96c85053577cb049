export interface LivePace {
  underLoad: boolean
  intervalMs: number
  /** The console's load as the pacing reads it, 0–1. */
  load: number
}

/** How busy the console is, 0–1: taken by a decision, or only looked at. */
export interface LoadGauge {
  /** The load now, taken (LoopLoad's smoothing moves on). */
  read(): number
  /** The same, without taking it. */
  peek(): number
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
 *
 * Only a batch decides (`decide`, `intervalMs`); `now` tells what a batch would go by without
 * deciding, so a reader (GET /api/diagnostics) changes nothing.
 */
export class LivePacing {
  private underLoad = false
  private readonly load: LoadGauge
  private readonly lightMs: number
  private readonly enterLoad: number
  private readonly leaveLoad: number

  /** `load` as a function: a reading that changes nothing (a test's, a fixed one). */
  constructor(
    load: LoadGauge | (() => number),
    private readonly options: LivePacingOptions
  ) {
    this.load = typeof load === 'function' ? { read: load, peek: load } : load
    this.lightMs = Math.min(options.lightMs ?? 16, options.underLoadMs)
    this.enterLoad = options.enterLoad ?? 0.7
    this.leaveLoad = options.leaveLoad ?? 0.5
  }

  /** The least time from the last emit to the next one, decided now. */
  intervalMs(): number {
    return this.decide().intervalMs
  }

  /** Reads the load and decides: whether the console is under load from now on. */
  decide(): LivePace {
    const load = this.load.read()
    this.underLoad = this.underLoadAt(load)
    return this.pace(this.underLoad, load)
  }

  /** What a batch would go by now, read without deciding: nothing changes. */
  now(): LivePace {
    const load = this.load.peek()
    return this.pace(this.underLoadAt(load), load)
  }

  private underLoadAt(load: number): boolean {
    return this.underLoad ? load >= this.leaveLoad : load >= this.enterLoad
  }

  private pace(underLoad: boolean, load: number): LivePace {
    return {
      underLoad,
      intervalMs: underLoad ? this.options.underLoadMs : this.lightMs,
      load: Math.round(load * 1000) / 1000
    }
  }
}
