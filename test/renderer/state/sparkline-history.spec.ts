import { describe, expect, it } from 'vitest'

import { RequestLimiter } from '../../../src/renderer/src/state/request-limiter'
import {
  SPARKLINE_POINTS,
  SPARKLINE_REFRESH_MS,
  SPARKLINE_WINDOW_MS,
  SparklineHistory
} from '../../../src/renderer/src/state/sparkline-history'
import type { SeriesBody, SeriesQuery } from '../../../src/shared/history-types'
import type { StoredReport } from '../../../src/shared/ingest-protocol'

const BUCKET = 10_000
const START = 1_000_000_000

/** A series source whose answers the spec gives, one request at a time. */
function heldSeries() {
  const pending: Array<{
    query: SeriesQuery
    answer: (body: SeriesBody) => void
    fail: () => void
  }> = []
  const series = (query: SeriesQuery): Promise<SeriesBody> =>
    new Promise((resolve, reject) =>
      pending.push({ query, answer: resolve, fail: () => reject(new Error('refused')) })
    )
  return { series, pending }
}

/** The console's answer: one bucket per `[t, avg]`, count 1. */
function body(query: SeriesQuery, points: Record<string, Array<[number, number]>>): SeriesBody {
  return {
    device: query.device,
    since: query.since,
    until: query.until,
    bucketMs: BUCKET,
    series: query.fields.map((field) => ({
      field,
      buckets: (points[field] ?? []).map(([t, v]) => ({
        t,
        min: v,
        max: v,
        avg: v,
        count: 1,
        last: v
      }))
    }))
  }
}

const report = (device: string, time: number, fields: Record<string, unknown>): StoredReport => ({
  device,
  time,
  identity: 'anonymous',
  ...fields
})

const settled = () => new Promise((r) => setTimeout(r, 0))

function history(series: (q: SeriesQuery) => Promise<SeriesBody>, limit = 4) {
  let now = START
  let changes = 0
  const limiter = new RequestLimiter(limit)
  const h = new SparklineHistory({ series, limiter, now: () => now, onChange: () => changes++ })
  return {
    h,
    limiter,
    advance: (ms: number) => (now += ms),
    now: () => now,
    changes: () => changes
  }
}

describe('the Overview’s sparklines', () => {
  it('asks for the last 15 minutes of the fields in sight, four devices at a time', async () => {
    const { series, pending } = heldSeries()
    const { h, limiter } = history(series)
    const wanted = Array.from({ length: 10 }, (_, i) => ({ device: `d-${i}`, fields: ['temp'] }))
    h.show(wanted)
    expect(pending.map((p) => p.query.device)).toEqual(['d-0', 'd-1', 'd-2', 'd-3'])
    expect(pending[0]!.query).toEqual({
      device: 'd-0',
      fields: ['temp'],
      since: START - SPARKLINE_WINDOW_MS,
      until: START,
      points: SPARKLINE_POINTS
    })
    expect(limiter.inFlight).toBe(4)
    // Scrolled on before the rest were asked for: those out of sight never are.
    h.show(wanted.slice(8))
    pending[0]!.answer(body(pending[0]!.query, {}))
    pending[1]!.fail()
    await settled()
    expect(pending.map((p) => p.query.device)).toEqual(['d-0', 'd-1', 'd-2', 'd-3', 'd-8', 'd-9'])
    expect(limiter.inFlight).toBe(4)
  })

  it('draws the answer’s averages, adds live readings between answers, and asks again a minute on', async () => {
    const { series, pending } = heldSeries()
    const { h, advance, changes } = history(series)
    const wanted = [{ device: 'pump-1', fields: ['temp', 'motor.rpm'] }]
    h.show(wanted)
    const t0 = Math.floor((START - 30_000) / BUCKET) * BUCKET
    pending[0]!.answer(
      body(pending[0]!.query, {
        temp: [
          [t0, 20],
          [t0 + BUCKET, 21]
        ],
        'motor.rpm': [[t0, 1400]]
      })
    )
    await settled()
    expect(changes()).toBe(1)
    expect(h.points('pump-1', 'temp')).toEqual([
      [t0, 20],
      [t0 + BUCKET, 21]
    ])
    const before = h.version('pump-1')

    // Live reports: into the newest bucket, or a new one; a device not in sight is not kept.
    const live = Math.floor(START / BUCKET) * BUCKET + BUCKET
    h.append([
      report('pump-1', live + 1_000, { temp: 30, motor: { rpm: 1500 } }),
      report('pump-1', live + 2_000, { temp: 32, status: 'ok' }),
      report('other', live + 2_000, { temp: 99 })
    ])
    expect(h.version('pump-1')).toBeGreaterThan(before)
    expect(h.points('pump-1', 'temp').at(-1)).toEqual([live, 31])
    expect(h.points('pump-1', 'motor.rpm')).toEqual([
      [t0, 1400],
      [live, 1500]
    ])
    expect(h.points('other', 'temp')).toEqual([])
    // A reading into a bucket there is already moves its average, not the version: a line is
    // redrawn once a bucket, not once a report.
    const drawn = h.version('pump-1')
    h.append([report('pump-1', live + 3_000, { temp: 34 })])
    expect(h.version('pump-1')).toBe(drawn)
    expect(h.points('pump-1', 'temp').at(-1)).toEqual([live, 32])

    // Shown again within the minute: no request; a minute after the answer: one.
    advance(SPARKLINE_REFRESH_MS - 1)
    h.show(wanted)
    expect(pending).toHaveLength(1)
    advance(1)
    h.show(wanted)
    expect(pending).toHaveLength(2)
    // Its answer replaces the buckets it holds, and keeps the live ones newer than its newest.
    pending[1]!.answer(body(pending[1]!.query, { temp: [[t0 + BUCKET, 25]] }))
    await settled()
    expect(h.points('pump-1', 'temp')).toEqual([
      [t0 + BUCKET, 25],
      [live, 32]
    ])
  })

  it('asks at once when a tile’s fields change, and lets go of readings older than the window', async () => {
    const { series, pending } = heldSeries()
    const { h, advance } = history(series)
    h.show([{ device: 'pump-1', fields: ['temp'] }])
    pending[0]!.answer(body(pending[0]!.query, { temp: [[START - BUCKET, 20]] }))
    await settled()
    h.show([{ device: 'pump-1', fields: ['flow'] }])
    expect(pending.map((p) => p.query.fields)).toEqual([['temp'], ['flow']])
    expect(h.points('pump-1', 'temp')).toEqual([])

    h.append([report('pump-1', START, { flow: 3 })])
    advance(SPARKLINE_WINDOW_MS + 2 * BUCKET)
    expect(h.points('pump-1', 'flow')).toEqual([])
  })

  it('draws from live reports alone while the console refuses, and asks again a minute on', async () => {
    const { series, pending } = heldSeries()
    const { h, limiter, advance } = history(series)
    h.show([{ device: 'pump-1', fields: ['temp'] }])
    pending[0]!.fail()
    await settled()
    expect(limiter.inFlight).toBe(0)
    h.append([report('pump-1', START, { temp: 5 }), report('pump-1', START + 20_000, { temp: 7 })])
    expect(h.points('pump-1', 'temp').map(([, v]) => v)).toEqual([5, 7])
    h.show([{ device: 'pump-1', fields: ['temp'] }])
    expect(pending).toHaveLength(1)
    advance(SPARKLINE_REFRESH_MS)
    h.show([{ device: 'pump-1', fields: ['temp'] }])
    expect(pending).toHaveLength(2)
  })
})
