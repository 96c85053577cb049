/**
 * The series step of `npm run bench`: how long `GET /api/series` takes on a month of history
 * (bench/history-store.ts), cold (the first query after the console starts, nothing parsed yet)
 * and warm (the median of the next runs), beside the targets.
 */
import type { SeriesBody } from '../src/shared/history-types'
import type { ConsoleProcess } from './console-process'
import { HISTORY_DEVICE, type HistoryStore } from './history-store'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

interface SeriesCase {
  label: string
  rangeMs: number
  fields: string[]
  /** The target for the warm query, ms. */
  targetMs?: number
}

const CASES: SeriesCase[] = [
  { label: '15 min, 1 field (reports)', rangeMs: 15 * 60_000, fields: ['temp'] },
  { label: '6 h, 1 field (reports)', rangeMs: 6 * HOUR_MS, fields: ['temp'] },
  { label: '24 h at 1 Hz, 1 field', rangeMs: DAY_MS, fields: ['temp'], targetMs: 100 },
  { label: '24 h at 1 Hz, 3 fields', rangeMs: DAY_MS, fields: ['temp', 'pressure', 'motor.rpm'] },
  { label: '7 days, 1 field', rangeMs: 7 * DAY_MS, fields: ['temp'] },
  { label: '30 days, 1 field', rangeMs: 30 * DAY_MS, fields: ['temp'], targetMs: 300 }
]

export interface SeriesFigure {
  label: string
  coldMs: number
  warmMs: number
  buckets: number
  bucketMs: number
  reports: number
  targetMs?: number
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function seriesPath(c: SeriesCase, until: number): string {
  const params = new URLSearchParams({
    device: HISTORY_DEVICE,
    since: String(until - c.rangeMs),
    until: String(until),
    points: '1500'
  })
  for (const field of c.fields) params.append('field', field)
  return `/api/series?${params.toString()}`
}

/**
 * Each case once cold, in turn, then `rounds` more rounds of all the cases interleaved (so a
 * noisy moment of the machine spreads over every case rather than landing on one).
 */
export async function measureSeries(
  console_: ConsoleProcess,
  history: HistoryStore,
  rounds = 7
): Promise<SeriesFigure[]> {
  const figures = new Map<string, SeriesFigure & { warm: number[] }>()
  for (const c of CASES) {
    const { body, ms } = await console_.get<SeriesBody>(seriesPath(c, history.newest))
    const buckets = body.series[0]?.buckets ?? []
    figures.set(c.label, {
      label: c.label,
      coldMs: ms,
      warmMs: 0,
      warm: [],
      buckets: buckets.length,
      bucketMs: body.bucketMs,
      reports: buckets.reduce((sum, b) => sum + b.count, 0),
      ...(c.targetMs !== undefined && { targetMs: c.targetMs })
    })
  }
  for (let round = 0; round < rounds; round++) {
    for (const c of CASES) {
      const { ms } = await console_.get<SeriesBody>(seriesPath(c, history.newest))
      figures.get(c.label)!.warm.push(ms)
    }
  }
  return [...figures.values()].map(({ warm, ...figure }) => ({ ...figure, warmMs: median(warm) }))
}

export function describeSeries(figures: SeriesFigure[]): string[] {
  return figures.map((f) => {
    const target =
      f.targetMs === undefined
        ? ''
        : `  [target < ${f.targetMs} ms: ${f.warmMs < f.targetMs ? 'met' : 'NOT met'}]`
    return (
      `   ${f.label.padEnd(26)} cold ${String(Math.round(f.coldMs)).padStart(5)} ms, ` +
      `warm ${String(Math.round(f.warmMs)).padStart(4)} ms  ` +
      `(${f.buckets.toLocaleString('en-US')} buckets of ${f.bucketMs / 1000} s over ` +
      `${f.reports.toLocaleString('en-US')} reports)${target}`
    )
  })
}
