import type { DayLog, DayLogOptions } from './day-log'
import type { PersistenceBackend } from './persistence-backend'
import { DAY_MS } from './utc-day'

const PRUNE_EVERY_MS = 3_600_000

export interface RetentionOptions<T> extends Omit<DayLogOptions<T>, 'keepFrom'> {
  retentionDays: number
  /** The clock, or a fixed time (tests). */
  now: number | (() => number)
  /** After each pruning: what its owner holds of the deleted days goes too. */
  pruned?: (cutoff: number) => void
}

/**
 * A day log kept to the retention time: the days past it are deleted at open and every hour,
 * whole, so no number of records makes start-up or retention cost more than a listing. The one
 * retention of the append-only logs (device events, the alarm audit trail).
 */
export class RetainedDayLog<T extends object> {
  private readonly timer: NodeJS.Timeout

  private constructor(
    /** The log itself: append, read, flush. */
    readonly log: DayLog<T>,
    private readonly options: RetentionOptions<T>,
    private readonly clock: () => number
  ) {
    this.timer = setInterval(() => void this.prune().catch(() => undefined), PRUNE_EVERY_MS)
    this.timer.unref()
  }

  /** Opens the day log `name` and deletes the days past retention. */
  static async open<T extends object>(
    persistence: Pick<PersistenceBackend, 'dayLog'>,
    name: string,
    options: RetentionOptions<T>
  ): Promise<RetainedDayLog<T>> {
    const { now } = options
    const clock = typeof now === 'number' ? () => now : now
    const log = await persistence.dayLog<T>(name, {
      time: options.time,
      decode: options.decode,
      keepFrom: clock() - options.retentionDays * DAY_MS
    })
    const retained = new RetainedDayLog(log, options, clock)
    try {
      await retained.prune()
    } catch (error) {
      clearInterval(retained.timer)
      throw error
    }
    return retained
  }

  /** Records older than this are past retention. */
  cutoff(): number {
    return this.clock() - this.options.retentionDays * DAY_MS
  }

  /** Deletes the days past retention (hourly, and at open). */
  async prune(): Promise<void> {
    const cutoff = this.cutoff()
    await this.log.deleteBefore(cutoff)
    this.options.pruned?.(cutoff)
  }

  /** Stops the pruning; resolves once every record appended so far is written. */
  async close(): Promise<void> {
    clearInterval(this.timer)
    await this.log.flush().catch(() => undefined)
  }
}
