import type { StoredReport } from '../../../shared/ingest-protocol'
import type { LivePacing } from './live-pacing'
import { RateAllowance } from './rate-allowance'

export interface ReportBatcherOptions {
  pacing: LivePacing
  /** Most reports in one batch, and the most sent at once after a quiet spell. */
  maxBatch: number
  /** Reports a second a viewer is sent at most, and the same while the console is under load. */
  maxRate: number
  maxRateUnderLoad: number
  now: () => number
  /** A batch to send, oldest first, and how many older ones were left out of it. */
  emit: (batch: StoredReport[], dropped: number) => void
}

/**
 * Turns stored reports into live batches: at once when the rate is low (leading edge), otherwise
 * one per interval the pacing gives; each held to the rate (the oldest beyond it are dropped).
 */
export class ReportBatcher {
  private pending: StoredReport[] = []
  private timer: NodeJS.Timeout | null = null
  private lastEmit = -Infinity
  private readonly allowance: RateAllowance

  constructor(private readonly options: ReportBatcherOptions) {
    this.allowance = new RateAllowance(options.maxBatch)
  }

  add(reports: readonly StoredReport[]): void {
    for (const r of reports) this.pending.push(r)
    if (this.timer !== null) return
    const interval = this.options.pacing.intervalMs()
    // Never longer than the interval, should the clock step back.
    const wait = Math.min(interval, this.lastEmit + interval - this.options.now())
    if (wait <= 0) this.flush()
    else this.timer = setTimeout(() => this.flush(), wait)
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  private flush(): void {
    this.stop()
    if (this.pending.length === 0) return
    let batch = this.pending
    this.pending = []
    const { pacing, maxRate, maxRateUnderLoad, now } = this.options
    const at = now()
    this.lastEmit = at
    // However often batches go, a viewer gets no more than the rate allows.
    const rate = pacing.decide().underLoad ? maxRateUnderLoad : maxRate
    const kept = this.allowance.take(batch.length, at, rate)
    const dropped = batch.length - kept
    if (dropped > 0) batch = batch.slice(dropped)
    this.options.emit(batch, dropped)
  }
}
