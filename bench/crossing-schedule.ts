/**
 * Which reports of the alarm step's steady sender (bench/steady-sender.ts) cross a limit, and
 * when. Pure: the sender hands in its clock.
 */

/** The steady sender's optional fifth argument, as JSON. */
export interface SteadyPlan {
  /** The steady reports take turns among devices `<devicePrefix>0` … `<devicePrefix><devices − 1>`. */
  devicePrefix: string
  devices: number
  /** Reports among the steady ones that cross a limit, then clear it. */
  crossing?: CrossingPlan
}

export interface CrossingPlan {
  /** Devices `<devicePrefix>0` … send the crossing reports, and nothing else. */
  devicePrefix: string
  devices: number
  /** Crossings a second, over all those devices. */
  perSecond: number
}

/** A report that crosses the limit (`x`: its send time, epoch ms, > 0) or clears it (`x`: −1). */
export interface CrossingReport {
  device: string
  x: number
}

/**
 * Every crossing device crosses once a period (devices / perSecond seconds) and clears half a
 * period later, their phases spread evenly over the period: about `perSecond` crossings a
 * second in all, each alarm raised, cleared and raised again — and the same alarm raises again
 * only a whole period later, so a raise cannot be mistaken for the one before or after it.
 */
export class CrossingSchedule {
  /** Per device, when its next report is due and whether that one crosses or clears. */
  private readonly next: Array<{ at: number; crosses: boolean }>
  private readonly halfPeriodMs: number
  private crossingsSent = 0

  constructor(
    private readonly plan: CrossingPlan,
    startedAt: number
  ) {
    const periodMs = (plan.devices / plan.perSecond) * 1000
    this.halfPeriodMs = periodMs / 2
    this.next = Array.from({ length: plan.devices }, (_, k) => ({
      at: startedAt + (k / plan.devices) * periodMs,
      crosses: true
    }))
  }

  /** Crossings sent so far. */
  get crossings(): number {
    return this.crossingsSent
  }

  /**
   * The reports due by `now`, to be sent now: a crossing carries `now` as its `x`. Crossings and
   * clears of a device always alternate; a device whose turn came over half a period late
   * starts its rhythm again from now.
   */
  due(now: number): CrossingReport[] {
    const reports: CrossingReport[] = []
    this.next.forEach((slot, k) => {
      if (slot.at > now) return
      reports.push({ device: `${this.plan.devicePrefix}${k}`, x: slot.crosses ? now : -1 })
      if (slot.crosses) this.crossingsSent += 1
      slot.crosses = !slot.crosses
      slot.at += this.halfPeriodMs
      if (slot.at <= now) slot.at = now + this.halfPeriodMs
    })
    return reports
  }
}
