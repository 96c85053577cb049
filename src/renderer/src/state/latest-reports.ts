import type { StoredReport } from '../../../shared/ingest-protocol'
import type { ReportQuery } from '../../../shared/live-events'
import type { ReportRing } from './report-ring'
import type { RequestLimiter } from './request-limiter'

/** Devices whose latest report is kept, at most: the oldest-updated are let go beyond it. */
export const MAX_LATEST_DEVICES = 20_000

/**
 * Each device's latest report, read from the live feed as it grows: every batch costs its own
 * length, never a pass over the 100,000 kept. A device in sight whose latest report is in no
 * batch this view received (it last reported before the view opened) is asked for it once.
 */
export class LatestReports {
  private readonly byDevice = new Map<string, StoredReport>()
  private readonly asked = new Set<string>()
  /** The ring's total as last read, and the ring itself (another ring starts over). */
  private read = 0
  private ring: ReportRing | null = null

  constructor(
    private readonly deps: {
      query: (query: ReportQuery) => Promise<StoredReport[]>
      limiter: RequestLimiter
      /** Called when an answer changed a device's latest report. */
      onChange: () => void
    }
  ) {}

  get(device: string): StoredReport | undefined {
    return this.byDevice.get(device)
  }

  /** Takes the reports pushed to `ring` since the last call; answers them, oldest first. */
  catchUp(ring: ReportRing): StoredReport[] {
    if (ring !== this.ring || ring.total < this.read) {
      this.ring = ring
      this.read = 0
    }
    const unread = Math.min(ring.total - this.read, ring.size)
    this.read = ring.total
    const fresh: StoredReport[] = []
    for (let i = unread - 1; i >= 0; i--) {
      const report = ring.at(i)
      if (report === undefined) continue
      fresh.push(report)
      this.take(report)
    }
    return fresh
  }

  /** The devices in sight: those with no latest report yet are asked for it (each once). */
  show(devices: readonly string[]): void {
    const missing = devices.filter((d) => !this.byDevice.has(d) && !this.asked.has(d))
    this.deps.limiter.want(
      'latest',
      missing.map((device) => ({
        key: `latest:${device}`,
        run: async () => {
          this.asked.add(device)
          const [newest] = await this.deps.query({ device, limit: 1 })
          if (newest !== undefined && this.take(newest)) this.deps.onChange()
        }
      }))
    )
  }

  /** Nothing waiting is asked for any more (the Overview was left). */
  stop(): void {
    this.deps.limiter.want('latest', [])
  }

  /** Keeps `report` if it is its device's newest; whether it was. */
  private take(report: StoredReport): boolean {
    const known = this.byDevice.get(report.device)
    if (known !== undefined && known.time > report.time) return false
    // Deleted first, so the map's order is the order of updates: the oldest is let go first.
    this.byDevice.delete(report.device)
    this.byDevice.set(report.device, report)
    if (this.byDevice.size > MAX_LATEST_DEVICES)
      this.byDevice.delete(this.byDevice.keys().next().value!)
    return true
  }
}
