import type { SeriesBody, SeriesQuery } from '../../../shared/history-types'
import type { StoredReport } from '../../../shared/ingest-protocol'
import { readingAt } from './report-fields'
import type { RequestLimiter } from './request-limiter'

/** What the sparklines ask the console for: `GET /api/series` through the bridge. */
export type SeriesSource = (query: SeriesQuery) => Promise<SeriesBody>

/** The span a sparkline draws, up to now. */
export const SPARKLINE_WINDOW_MS = 15 * 60_000
/** A tile in sight has its history asked for again after this long (live reports fill it between). */
export const SPARKLINE_REFRESH_MS = 60_000
/** Buckets asked for over the window: some 2 px each on a tile. */
export const SPARKLINE_POINTS = 90
/** Devices whose history is kept, at most: those in sight and the last ones scrolled past. */
export const MAX_SPARKLINE_DEVICES = 300

/** One bucket of a field: its readings summed, so live ones can be added to it. */
interface Bucket {
  t: number
  sum: number
  count: number
}

interface DeviceHistory {
  fields: string[]
  buckets: Map<string, Bucket[]>
  /** The width of the buckets: the console's answer's, SPARKLINE_WINDOW_MS / SPARKLINE_POINTS before one. */
  bucketMs: number
  /** When the last answer (or failure) came; null before any. */
  fetchedAt: number | null
  /** Changes with every change of its buckets: what a tile's drawing is memoized on. */
  version: number
  shownAt: number
}

/**
 * The last 15 minutes of the fields the tiles in sight show, for their sparklines: asked for as
 * downsampled buckets once a tile is in sight and again every minute, and live reports added to
 * them in between. While the console refuses (an older one has no series), the lines are drawn
 * from live reports alone.
 */
export class SparklineHistory {
  private readonly devices = new Map<string, DeviceHistory>()

  constructor(
    private readonly deps: {
      series: SeriesSource
      limiter: RequestLimiter
      now: () => number
      /** Called when an answer changed a device's buckets. */
      onChange: () => void
    }
  ) {}

  /** The tiles in sight and their fields: those whose history is missing or old are asked for. */
  show(wanted: ReadonlyArray<{ device: string; fields: readonly string[] }>): void {
    const now = this.deps.now()
    const due: string[] = []
    for (const { device, fields } of wanted) {
      let history = this.devices.get(device)
      if (history === undefined) {
        history = {
          fields: [],
          buckets: new Map(),
          bucketMs: SPARKLINE_WINDOW_MS / SPARKLINE_POINTS,
          fetchedAt: null,
          version: 0,
          shownAt: now
        }
        this.devices.set(device, history)
      }
      history.shownAt = now
      const changed = !sameFields(history.fields, fields)
      if (changed) {
        history.fields = [...fields]
        for (const field of history.buckets.keys())
          if (!fields.includes(field)) history.buckets.delete(field)
        history.version++
      }
      if (
        fields.length > 0 &&
        (changed || history.fetchedAt === null || now - history.fetchedAt >= SPARKLINE_REFRESH_MS)
      )
        due.push(device)
    }
    this.forgetUnseen()
    this.deps.limiter.want(
      'series',
      due.map((device) => ({ key: `series:${device}`, run: () => this.fetch(device) }))
    )
  }

  /**
   * Live reports, oldest first: each reading goes into its field's newest bucket. The version
   * changes when a bucket is added, not with every reading added to one: a line redrawn once a
   * bucket (10 s) rather than once a report — 240 lines in sight redrawn every second cost
   * the Overview a frame each second. The value beside it is the latest all the same.
   */
  append(reports: readonly StoredReport[]): void {
    const since = this.deps.now() - SPARKLINE_WINDOW_MS
    for (const report of reports) {
      const history = this.devices.get(report.device)
      if (history === undefined) continue
      let added = false
      for (const field of history.fields) {
        const value = readingAt(report, field)
        if (value === undefined) continue
        const t = Math.floor(report.time / history.bucketMs) * history.bucketMs
        let buckets = history.buckets.get(field)
        if (buckets === undefined) history.buckets.set(field, (buckets = []))
        const last = buckets.at(-1)
        if (last !== undefined && last.t === t) {
          last.sum += value
          last.count++
        } else if (last === undefined || last.t < t) {
          buckets.push({ t, sum: value, count: 1 })
          while (buckets.length > 0 && buckets[0]!.t + history.bucketMs < since) buckets.shift()
          added = true
        } // else older than the newest bucket: the next answer has it
      }
      if (added) history.version++
    }
  }

  /** A field's averages per bucket over the window, oldest first, as [time, value]. */
  points(device: string, field: string): Array<[number, number]> {
    const history = this.devices.get(device)
    const since = this.deps.now() - SPARKLINE_WINDOW_MS
    const points: Array<[number, number]> = []
    for (const b of history?.buckets.get(field) ?? [])
      if (b.t + (history?.bucketMs ?? 0) >= since) points.push([b.t, b.sum / b.count])
    return points
  }

  /** Changes whenever the device's lines do. */
  version(device: string): number {
    return this.devices.get(device)?.version ?? -1
  }

  /** Nothing waiting is asked for any more (the Overview was left); answers on the way still land. */
  stop(): void {
    this.deps.limiter.want('series', [])
  }

  private async fetch(device: string): Promise<void> {
    const history = this.devices.get(device)
    if (history === undefined || history.fields.length === 0) return
    const until = this.deps.now()
    const fields = [...history.fields]
    try {
      const body = await this.deps.series({
        device,
        fields,
        since: until - SPARKLINE_WINDOW_MS,
        until,
        points: SPARKLINE_POINTS
      })
      if (this.devices.get(device) !== history) return
      history.bucketMs = body.bucketMs
      for (const { field, buckets } of body.series) {
        if (!history.fields.includes(field)) continue
        const answered = buckets.map((b) => ({ t: b.t, sum: b.avg * b.count, count: b.count }))
        // Buckets newer than the answer's newest were made from live reports since: kept.
        const newest = answered.at(-1)?.t ?? -Infinity
        const live = (history.buckets.get(field) ?? []).filter((b) => b.t > newest)
        history.buckets.set(field, [...answered, ...live])
      }
      history.version++
    } finally {
      // A failure is tried again a refresh later; meanwhile the line is drawn from live reports.
      // Fields chosen while it was asked for are asked for at once.
      history.fetchedAt = sameFields(fields, history.fields) ? this.deps.now() : null
      this.deps.onChange()
    }
  }

  /** Past MAX_SPARKLINE_DEVICES, the devices shown longest ago are let go. */
  private forgetUnseen(): void {
    const excess = this.devices.size - MAX_SPARKLINE_DEVICES
    if (excess <= 0) return
    const oldest = [...this.devices].sort((a, b) => a[1].shownAt - b[1].shownAt)
    for (const [device] of oldest.slice(0, excess)) this.devices.delete(device)
  }
}

function sameFields(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((field, i) => field === b[i])
}
