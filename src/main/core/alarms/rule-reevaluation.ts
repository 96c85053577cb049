import type { AlarmRule } from '../../../shared/alarm-types'
import type { DeviceState } from '../../../shared/api-types'
import type { StoredReport } from '../../../shared/ingest-protocol'
import { deviceIdPattern } from '../ingest/protocol/device-id-pattern'
import type { Logger } from '../runtime/logger'
import { forEachLatestReport, type LatestReportSource } from './latest-reports'

/** Reports handed to the engine at once. */
const BATCH = 100

export interface RuleReevaluationOptions {
  /** The devices known now. */
  devices: { list(): readonly DeviceState[] }
  /** A device's newest stored report. */
  reports: LatestReportSource
  /** The rules in force now. */
  rules: () => readonly AlarmRule[]
  /** Evaluates the latest reports against the rules in force (the engine's `reevaluate`). */
  reevaluate: (reports: StoredReport[]) => void
  /** Devices read at most per pass (`--max-devices`). */
  maxDevices: number
  logger: Logger
}

/**
 * Rules that are new or changed (and, at start, every rule) evaluated against the latest stored
 * report of each device they match, so a condition that holds already raises now — a device
 * that reports by exception may not report again for hours. Runs off the request path: a pass
 * reads the devices' reports a few at a time, and changes asked for meanwhile make one more
 * pass after it. A device that reports during a pass was evaluated against the rules by its
 * report: its older latest, read before, is not evaluated after it.
 */
export class RuleReevaluation {
  private pending = new Set<string>()
  private all = false
  private running: Promise<void> | null = null
  /** Devices whose report was evaluated since the current pass began. */
  private reported = new Set<string>()
  private closed = false

  constructor(private readonly options: RuleReevaluationOptions) {}

  /** Re-evaluates the devices the rules `ids` match (`all`: every rule's); returns at once. */
  schedule(ids: Iterable<string> | 'all'): void {
    if (this.closed) return
    if (ids === 'all') this.all = true
    else for (const id of ids) this.pending.add(id)
    this.start()
  }

  /** A report of `device` was just evaluated (the store's `stored` batch). */
  sawReport(device: string): void {
    if (this.running !== null) this.reported.add(device)
  }

  /** Resolves once nothing is scheduled or running. */
  async idle(): Promise<void> {
    while (this.running !== null) await this.running
  }

  /** Stops after the read under way; nothing more is evaluated. */
  async close(): Promise<void> {
    this.closed = true
    await this.idle()
  }

  private start(): void {
    if (this.running !== null || this.closed || (!this.all && this.pending.size === 0)) return
    this.running = this.drain().finally(() => {
      this.running = null
      this.start() // asked for as the last pass ended
    })
  }

  private async drain(): Promise<void> {
    while (!this.closed && (this.all || this.pending.size > 0)) {
      const all = this.all
      const ids = this.pending
      this.all = false
      this.pending = new Set()
      this.reported = new Set()
      try {
        await this.pass((rule) => all || ids.has(rule.id))
      } catch (error) {
        this.options.logger.error({ err: error }, 'alarm rules could not be re-evaluated')
      }
    }
    this.reported = new Set()
  }

  private async pass(wanted: (rule: AlarmRule) => boolean): Promise<void> {
    // A `stale` rule needs no report (time tells), a disabled one is not evaluated.
    const patterns = this.options
      .rules()
      .filter((rule) => wanted(rule) && rule.enabled !== false && rule.stale === undefined)
      .map((rule) => deviceIdPattern(rule.devices))
    if (patterns.length === 0) return
    const devices = this.options.devices
      .list()
      .filter((device) => patterns.some((pattern) => pattern.test(device.id)))
      .slice(0, this.options.maxDevices)
    let batch: StoredReport[] = []
    let failed = 0
    const hand = (): void => {
      const fresh = batch.filter((report) => !this.reported.has(report.device))
      batch = []
      if (fresh.length > 0 && !this.closed) this.options.reevaluate(fresh)
    }
    await forEachLatestReport(
      devices,
      this.options.reports,
      (_device, latest) => {
        if (latest !== undefined) batch.push(latest)
        if (batch.length >= BATCH) hand()
      },
      {
        // Reported since the pass began: evaluated against the rules by that report already,
        // so its older latest need not be read (on a busy plant, most devices).
        skip: (device) => this.reported.has(device.id),
        stopped: () => this.closed,
        failed: (device, error) => {
          if (failed++ === 0)
            this.options.logger.warn(
              { err: error, device: device.id },
              'could not read a latest report to re-evaluate the alarm rules'
            )
        }
      }
    )
    hand()
    if (failed > 1)
      this.options.logger.warn({ failed }, 'latest reports not read to re-evaluate the alarm rules')
  }
}
