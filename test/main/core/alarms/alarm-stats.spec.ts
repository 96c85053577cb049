import { describe, expect, it } from 'vitest'

import { AlarmStatsTracker } from '../../../../src/main/core/alarms/alarm-stats'
import { alarm, alarmEvent, flood, T0 } from './alarm-fixtures'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

function tracker(clock: { now: number }, maxRecords?: number): AlarmStatsTracker {
  return new AlarmStatsTracker({ now: () => clock.now, ...(maxRecords && { maxRecords }) })
}

describe('AlarmStatsTracker', () => {
  it('counts raises in the last 10 minutes and the most in any 10 minutes of the day', () => {
    const clock = { now: T0 }
    const stats = tracker(clock)
    // A burst of 6 within 9 minutes, two hours ago; then 3 in the last 10 minutes.
    const burst = [0, 1, 3, 5, 8, 9].map((m) => T0 - 2 * HOUR + m * MINUTE)
    const recent = [T0 - 11 * MINUTE, T0 - 9 * MINUTE, T0 - 5 * MINUTE, T0]
    for (const time of [...burst, ...recent]) stats.record(alarmEvent('raised', time))
    expect(stats.stats([], flood(false), 0).per10Minutes).toEqual({ now: 3, peak: 6 })

    // 10 minutes exactly is the next window: the burst at +0 and +10 are not in one.
    clock.now = T0 + 10 * MINUTE
    expect(stats.stats([], flood(false), 0).per10Minutes).toEqual({ now: 0, peak: 6 })

    // A day later the burst is gone; the recent ones (3 in any 10 minutes) are kept a day.
    clock.now = T0 - 2 * HOUR + 9 * MINUTE + DAY + 1
    expect(stats.stats([], flood(false), 0).per10Minutes).toEqual({ now: 0, peak: 3 })
  })

  it('names the 10 rules raising most in the day, with their names', () => {
    const clock = { now: T0 }
    const stats = tracker(clock)
    for (let r = 0; r < 12; r++)
      for (let i = 0; i <= r; i++)
        stats.record(alarmEvent('raised', T0 - HOUR, { rule: `r${r}`, alarm: `a${r}` }))
    // Raised more than a day ago: not counted.
    for (let i = 0; i < 50; i++)
      stats.record(alarmEvent('raised', T0 - DAY - 1, { rule: 'old', alarm: 'old' }))
    // A raise's detail is the value that raised it: never taken for the rule's name.
    stats.record(
      alarmEvent('raised', T0 - HOUR, { rule: 'r10', alarm: 'x', detail: { name: 'a value' } })
    )
    const { badActors } = stats.stats(
      [alarm('a11', { rule: 'r11', name: 'pump dry' })],
      flood(false),
      0,
      (rule) => (rule === 'r10' || rule === 'r11' ? `rule ${rule}` : undefined)
    )
    // Named as its alarms show it, else as the rules in force do. A tie is ordered by rule id.
    expect(badActors).toEqual([
      { rule: 'r10', name: 'rule r10', raised: 12 },
      { rule: 'r11', name: 'pump dry', raised: 12 },
      ...[9, 8, 7, 6, 5, 4, 3, 2].map((r) => ({ rule: `r${r}`, name: `r${r}`, raised: r + 1 }))
    ])
  })

  it('counts standing alarms: active, or shelved while active, for more than a day', () => {
    const clock = { now: T0 }
    const stats = tracker(clock)
    const old = T0 - DAY - 1
    const alarms = [
      alarm('a1', { raisedAt: old }),
      alarm('a2', { raisedAt: old, state: 'active-acked' }),
      alarm('a3', { raisedAt: old, state: 'shelved' }),
      alarm('a4', { raisedAt: old, state: 'shelved', clearedAt: T0 - HOUR }),
      alarm('a5', { raisedAt: old, state: 'cleared-unacked', clearedAt: T0 - HOUR }),
      alarm('a6', { raisedAt: T0 - DAY }),
      alarm('a7', { raisedAt: null, state: 'out-of-service' })
    ]
    expect(stats.stats(alarms, flood(true), 4)).toMatchObject({
      standing: 3,
      flood: flood(true),
      notEvaluated: 4
    })
  })

  it('times acknowledgements from their raise: p50 and p90 by nearest rank, over the day', () => {
    const clock = { now: T0 }
    const stats = tracker(clock)
    // Ten alarms acknowledged 10, 20, … 100 seconds after they raised.
    for (let i = 1; i <= 10; i++) {
      const raisedAt = T0 - HOUR + i * MINUTE
      stats.record(alarmEvent('raised', raisedAt, { alarm: `a${i}` }))
      stats.record(alarmEvent('acked', raisedAt + i * 10_000, { alarm: `a${i}` }))
    }
    // Its raise not seen (before the replayed day): not timed.
    stats.record(alarmEvent('acked', T0, { alarm: 'unknown' }))
    expect(stats.stats([], flood(false), 0).timeToAckSeconds).toEqual({
      p50: 50,
      p90: 90,
      count: 10
    })

    // A second ack of a1 times nothing (its raise was used).
    stats.record(alarmEvent('acked', T0, { alarm: 'a1' }))
    expect(stats.stats([], flood(false), 0).timeToAckSeconds.count).toBe(10)

    clock.now = T0 + DAY + 1
    expect(stats.stats([], flood(false), 0).timeToAckSeconds).toEqual({
      p50: null,
      p90: null,
      count: 0
    })
  })

  it('keeps at most maxRecords raises, dropping the oldest, and takes out-of-order events', () => {
    const clock = { now: T0 }
    const stats = tracker(clock, 5)
    for (let i = 0; i < 8; i++) stats.record(alarmEvent('raised', T0 - 30 * MINUTE + i * MINUTE))
    expect(stats.stats([], flood(false), 0).per10Minutes).toEqual({ now: 0, peak: 5 })
    stats.record(alarmEvent('raised', T0 - 5 * MINUTE))
    stats.record(alarmEvent('raised', T0 - 6 * MINUTE))
    // Kept: -25, -24, -23 (the oldest two dropped), -6, -5 minutes.
    const s = stats.stats([], flood(false), 0)
    expect(s.per10Minutes).toEqual({ now: 2, peak: 3 })
    expect(s.badActors).toEqual([{ rule: 'boiler-hot', name: 'boiler-hot', raised: 5 }])
  })
})
