import { afterEach, describe, expect, it } from 'vitest'

import { SERIES_LIMITS, type SeriesBody } from '../../../../../src/shared/history-types'
import { api, consoleFixture, VIEW_KEY, type RunningConsole } from '../../../../support/console'
import { LineClient } from '../../../../support/line-client'

const fixture = consoleFixture()
afterEach(() => fixture.cleanup())

const MINUTE = 60_000
const T0 = Date.UTC(2026, 11, 1, 8)

/** A console whose clock is `clock.now`, with pump-7's reports received at the times given. */
async function withReports(): Promise<{ c: RunningConsole; clock: { now: number } }> {
  const clock = { now: T0 }
  const c = await fixture.start({}, { now: () => clock.now })
  const d = await LineClient.connect(c.addresses.ingest.port)
  const sent: Array<[number, Record<string, unknown>]> = [
    [T0 + 1000, { temp: 20, motor: { rpm: 1200, on: true } }],
    [T0 + 2000, { temp: 24, motor: { rpm: 1300, on: false } }],
    [T0 + MINUTE + 500, { temp: 22, motor: { rpm: 1250, on: true }, note: 'oil' }]
  ]
  for (const [i, [time, fields]] of sent.entries()) {
    clock.now = time
    d.send({ device: 'pump-7', seq: i + 1, ...fields })
    await d.waitForReplies(i + 1)
  }
  d.close()
  return { c, clock }
}

const ask = (c: RunningConsole, query: string, key?: string) =>
  api(c, `/api/series?${query}`, key === undefined ? {} : { key })

describe('GET /api/series', () => {
  it('answers a device’s fields in buckets to the view key, times as epoch ms or ISO', async () => {
    const { c } = await withReports()
    const since = new Date(T0).toISOString()
    const res = await ask(
      c,
      `device=pump-7&field=temp&field=motor.rpm&field=motor.on&field=note&since=${since}` +
        `&until=${T0 + 2 * MINUTE - 1}&points=2`,
      VIEW_KEY
    )
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      device: 'pump-7',
      since: T0,
      until: T0 + 2 * MINUTE - 1,
      bucketMs: MINUTE,
      series: [
        {
          field: 'temp',
          buckets: [
            { t: T0, min: 20, max: 24, avg: 22, count: 2, last: 24 },
            { t: T0 + MINUTE, min: 22, max: 22, avg: 22, count: 1, last: 22 }
          ]
        },
        {
          field: 'motor.rpm',
          buckets: [
            { t: T0, min: 1200, max: 1300, avg: 1250, count: 2, last: 1300 },
            { t: T0 + MINUTE, min: 1250, max: 1250, avg: 1250, count: 1, last: 1250 }
          ]
        },
        {
          field: 'motor.on',
          buckets: [
            { t: T0, min: 0, max: 1, avg: 0.5, count: 2, last: 0 },
            { t: T0 + MINUTE, min: 1, max: 1, avg: 1, count: 1, last: 1 }
          ]
        },
        { field: 'note', buckets: [] }
      ]
    } satisfies SeriesBody)
    // An offset other than Z names the same instant.
    const plusOne = await ask(
      c,
      `device=pump-7&field=temp&since=2026-12-01T09:00:00%2B01:00&until=${T0 + MINUTE - 1}&points=1`
    )
    expect(plusOne.body.series[0].buckets).toEqual([
      { t: T0, min: 20, max: 24, avg: 22, count: 2, last: 24 }
    ])
  })

  it('reads the last 15 minutes when the range is left out', async () => {
    const { c, clock } = await withReports()
    clock.now = T0 + 10 * MINUTE
    const res = await ask(c, 'device=pump-7&field=temp')
    expect([res.status, res.body.since, res.body.until, res.body.bucketMs]).toEqual([
      200,
      T0 - 5 * MINUTE,
      T0 + 10 * MINUTE,
      1000
    ])
    expect(res.body.series[0].buckets.map((b: { count: number }) => b.count)).toEqual([1, 1, 1])
  })

  it('answers 400 naming the parameter at fault, and 401 without a key', async () => {
    const { c } = await withReports()
    const range = `since=${T0}&until=${T0 + MINUTE}`
    const refusals: Array<[string, string | RegExp]> = [
      [`field=temp&${range}`, 'device: must be a device id'],
      [`device=${'d'.repeat(129)}&field=temp&${range}`, 'device: at most 128 characters'],
      [`device=pump-7&${range}`, 'fields: name at least one field (field=…)'],
      [`device=pump-7&field=&${range}`, 'fields.0: must not be empty'],
      [
        `device=pump-7&${'field=a&'.repeat(SERIES_LIMITS.maxFields + 1)}${range}`,
        `fields: at most ${SERIES_LIMITS.maxFields} fields`
      ],
      [`device=pump-7&field=${'f'.repeat(257)}&${range}`, 'fields.0: at most 256 characters'],
      [`device=pump-7&field=temp&since=yesterday`, /^since: must be epoch milliseconds/],
      [`device=pump-7&field=temp&since=2026-12-01T08:00:00`, /^since: must be epoch milliseconds/],
      [`device=pump-7&field=temp&since=${T0}&until=${T0}`, 'since: must be before until'],
      [
        `device=pump-7&field=temp&${range}&points=0`,
        'points: must be a whole number from 1 to 10000'
      ],
      [
        `device=pump-7&field=temp&${range}&points=1.5`,
        'points: must be a whole number from 1 to 10000'
      ],
      [
        `device=pump-7&field=temp&${range}&points=10001`,
        'points: must be a whole number from 1 to 10000'
      ],
      // 30 days in buckets of 7 days at most: 6 of them (the range starts and ends mid-week).
      [
        `device=pump-7&field=temp&since=${T0}&until=${T0 + 30 * 86_400_000}&points=2`,
        'points: this range needs at least 6 (in buckets of 7 days, the widest)'
      ],
      [
        `device=pump-7&field=temp&since=0&until=7000000000000&points=10000`,
        'since: the range is too long: even in buckets of 7 days it takes 11575 points, ' +
          'and at most 10000 are answered'
      ]
    ]
    for (const [query, message] of refusals) {
      const res = await ask(c, query)
      expect([query, res.status, res.body.error]).toEqual([query, 400, 'bad_request'])
      expect(res.body.message, query).toEqual(
        typeof message === 'string' ? message : expect.stringMatching(message)
      )
    }
    const unauthorized = await fetch(`${c.base}/api/series?device=pump-7&field=temp`)
    expect(unauthorized.status).toBe(401)
  })
})
