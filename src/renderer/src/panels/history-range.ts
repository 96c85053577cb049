import { SERIES_BUCKET_WIDTHS_MS, SERIES_LIMITS } from '../../../shared/history-types'
import { formatDuration } from '../format'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** The ranges a device's chart offers, each ending now. */
export const RANGE_PRESETS = {
  '15m': 15 * MINUTE,
  '1h': HOUR,
  '6h': 6 * HOUR,
  '24h': DAY,
  '7d': 7 * DAY,
  '30d': 30 * DAY
} as const
export type RangePreset = keyof typeof RANGE_PRESETS
export const DEFAULT_PRESET: RangePreset = '15m'

/** A range of time, epoch ms. */
export interface TimeWindow {
  since: number
  until: number
}

/** What the user chose: a preset, which follows now, or a custom range, which stays put. */
export type RangeChoice = { preset: RangePreset } | ({ preset?: undefined } & TimeWindow)

/** Fields one chart draws at most, each on its own axis: more would leave no room for the plot. */
export const MAX_CHART_FIELDS = 4

/** The narrowest range a drag zooms to: a narrower one is taken for a click. */
export const MIN_ZOOM_MS = 1000

/** How often a range that follows now is fetched again, at the most: 5 s to 1 min. */
const REFRESH_MS = { min: 5000, max: MINUTE }

/** The window a choice shows at `now`. */
export function windowOf(choice: RangeChoice, now: number): TimeWindow {
  return choice.preset === undefined
    ? { since: choice.since, until: choice.until }
    : { since: now - RANGE_PRESETS[choice.preset], until: now }
}

/**
 * Buckets to ask for on a plot `plotWidth` px wide: about one a pixel, in steps of 50 so that
 * resizing the window a little asks nothing new, at most the 1,500 a series answers by default.
 */
export function pointsFor(plotWidth: number): number {
  return Math.min(SERIES_LIMITS.defaultPoints, Math.max(100, Math.floor(plotWidth / 50) * 50))
}

/** The bucket width the console picks for `spanMs` in `points` buckets (history-types.ts). */
export function bucketWidthFor(spanMs: number, points: number): number {
  return (
    SERIES_BUCKET_WIDTHS_MS.find((w) => Math.ceil(spanMs / w) <= points) ??
    SERIES_BUCKET_WIDTHS_MS.at(-1)!
  )
}

/**
 * How often a preset's series is fetched again while the device reports: once a bucket, so
 * each new bucket shows as it fills, but no more than every 5 s (15 minutes in 1 s buckets)
 * and at least every minute (30 days in 30-minute buckets).
 */
export function refreshMs(spanMs: number, points: number): number {
  return Math.min(REFRESH_MS.max, Math.max(REFRESH_MS.min, bucketWidthFor(spanMs, points)))
}

/** A time as a `datetime-local` field holds it: local, to the minute (`2025-01-31T18:05`). */
export function toLocalInput(time: number): string {
  const d = new Date(time)
  const two = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`
}

/** What a `datetime-local` field holds, as epoch ms (read as local time); undefined if empty. */
export function fromLocalInput(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) return undefined
  const time = new Date(text).getTime()
  return Number.isFinite(time) ? time : undefined
}

/** Why a custom range cannot be shown, or undefined when it can. */
export function customRangeProblem(
  since: number | undefined,
  until: number | undefined
): 'incomplete' | 'order' | undefined {
  if (since === undefined || until === undefined) return 'incomplete'
  return since < until ? undefined : 'order'
}

/** A bucket's width for people: `500 ms`, `5 sec`, `10 min`, `2 hr`, `7 days`. */
export function formatBucketWidth(ms: number, lng: string): string {
  const unit =
    ms < 1000 ? (['millisecond', 1] as const) : ms % DAY === 0 ? (['day', DAY] as const) : undefined
  if (unit === undefined) return formatDuration(ms / 1000, lng)
  return new Intl.NumberFormat(lng, { style: 'unit', unit: unit[0], unitDisplay: 'short' }).format(
    ms / unit[1]
  )
}
