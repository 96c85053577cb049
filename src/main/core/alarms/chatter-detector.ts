/**
 * ISA-18.2's chattering alarm, and what the engine does with one: raised more than `maxRaises`
 * times within `windowMs`, it is shelved by the system for `shelveMs`. That bounds the audit
 * events and the pages a chattering device can cause.
 */
export const CHATTERING = {
  maxRaises: 10,
  windowMs: 60_000,
  shelveMs: 10 * 60_000
} as const

/**
 * The latest raises of each alarm, to tell when one chatters. Kept apart from the alarms, which
 * leave memory whenever they are normal: a chattering alarm comes and goes. At most `maxAlarms`
 * histories of `maxRaises + 1` times each; those with no raise within the window are dropped.
 */
export class ChatterDetector {
  private readonly raises = new Map<string, number[]>()
  private prunedAt = -Infinity

  constructor(private readonly maxAlarms: number) {
    this.maxAlarms = Math.max(1, maxAlarms)
  }

  /** Counts a raise of `alarm` at `now`; the raises in the window when it chatters, else null. */
  record(alarm: string, now: number): number | null {
    let times = this.raises.get(alarm)
    if (times === undefined) {
      // Full: the history tracked longest gives way (`prune` drops the quiet ones every window).
      if (this.raises.size >= this.maxAlarms) this.raises.delete(this.raises.keys().next().value!)
      times = []
      this.raises.set(alarm, times)
    }
    times.push(now)
    if (times.length > CHATTERING.maxRaises + 1) times.shift()
    const inWindow = times.filter((time) => now - time < CHATTERING.windowMs).length
    return inWindow > CHATTERING.maxRaises ? inWindow : null
  }

  /** Drops the histories with no raise within the window; does the work once a window. */
  prune(now: number): void {
    if (now - this.prunedAt < CHATTERING.windowMs) return
    this.prunedAt = now
    for (const [alarm, times] of this.raises) {
      if (now - times[times.length - 1]! >= CHATTERING.windowMs) this.raises.delete(alarm)
    }
  }

  /** Histories held: never more than `maxAlarms`. */
  tracked(): number {
    return this.raises.size
  }
}
