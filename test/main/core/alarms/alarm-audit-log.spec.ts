import { mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { AlarmAuditLog } from '../../../../src/main/core/alarms/alarm-audit-log'
import { NedbBackend } from '../../../../src/main/core/persistence/nedb/nedb-backend'
import type { AlarmEvent, AlarmEventQuery } from '../../../../src/shared/alarm-types'
import { tempDirs } from '../../../support/temp-dir'

const dirs = tempDirs()
const logs: AlarmAuditLog[] = []
afterEach(async () => {
  await Promise.all(logs.splice(0).map((l) => l.close()))
  await dirs.cleanup()
})

const DAY = 86_400_000
/** 2026-12-01T00:00:00Z */
const DEC_1 = Date.UTC(2026, 11, 1)

function event(
  time: number,
  device: string,
  rule = 'tank-high',
  type: AlarmEvent['type'] = 'raised'
): AlarmEvent {
  return {
    time,
    type,
    alarm: `${rule}/${device}`,
    rule,
    device,
    severity: 'high',
    state: type === 'raised' ? 'active-unacked' : 'active-acked',
    by: 'system',
    via: 'system',
    comment: null,
    detail: { value: 93 }
  }
}

async function open(dataDir: string, now: number, retentionDays = 30): Promise<AlarmAuditLog> {
  const log = await AlarmAuditLog.open(new NedbBackend({ dataDir }), retentionDays, () => now)
  logs.push(log)
  return log
}

async function all(events: AsyncIterable<AlarmEvent>): Promise<AlarmEvent[]> {
  const read: AlarmEvent[] = []
  for await (const e of events) read.push(e)
  return read
}

/** Four days of events, two devices and two rules a day, and the log they are in. */
async function fourDays() {
  const dataDir = await dirs.make()
  const log = await open(dataDir, DEC_1 + 10 * DAY)
  const events = [0, 1, 2, 4].flatMap((d) => [
    event(DEC_1 + d * DAY + 1000, 'tank-1'),
    event(DEC_1 + d * DAY + 2000, 'tank-2', 'tank-low'),
    event(DEC_1 + d * DAY + 3000, 'tank-1', 'tank-high', 'acked')
  ])
  for (const e of events) await log.append(e)
  return { dataDir, log, events }
}

describe('the alarm audit log', () => {
  it('answers the newest events of a range, of a device, rule or alarm, oldest first', async () => {
    const { dataDir, log, events } = await fourDays()
    expect(await log.query({})).toEqual(events)
    // Across a day boundary, both bounds included.
    expect(await log.query({ since: DEC_1 + 2000, until: DEC_1 + DAY + 2000 })).toEqual(
      events.slice(1, 5)
    )
    expect(await log.query({ device: 'tank-2' })).toEqual(
      events.filter((e) => e.device === 'tank-2')
    )
    expect(await log.query({ rule: 'tank-high', since: DEC_1 + 4 * DAY })).toEqual([
      events[9],
      events[11]
    ])
    expect(await log.query({ alarm: 'tank-low/tank-2', until: DEC_1 + DAY + 5000 })).toEqual([
      events[1],
      events[4]
    ])
    // The newest `limit`: the last ones of the range, still oldest first.
    expect(await log.query({ limit: 2 })).toEqual(events.slice(-2))
    expect(await log.query({ device: 'tank-1', limit: 3 })).toEqual([
      events[8],
      events[9],
      events[11]
    ])
    // And the same after a restart.
    const reopened = await open(dataDir, DEC_1 + 10 * DAY)
    expect(await reopened.query({ since: DEC_1 + 4 * DAY })).toEqual(events.slice(9))
  })

  it('reads only the days of the range asked for', async () => {
    const { dataDir, log, events } = await fourDays()
    // Dec 1's file made unreadable: a query that opened it would fail.
    const dec1 = join(dataDir, 'alarm-events', '2026-12-01.ndjson')
    await rm(dec1)
    await mkdir(dec1)
    await expect(log.query({})).rejects.toThrow(/EISDIR/)
    expect(await log.query({ since: DEC_1 + DAY })).toEqual(events.slice(3))
    expect(await all(log.stream({ since: DEC_1 + DAY, until: DEC_1 + 2 * DAY - 1 }))).toEqual(
      events.slice(3, 6)
    )
    expect(await all(log.recent(DEC_1 + 4 * DAY + 1500))).toEqual(events.slice(10))
  })

  it('reads the newest days first and no older day once it has `limit`', async () => {
    const { dataDir, log, events } = await fourDays()
    // Dec 1's file made unreadable: a query that opened it would fail.
    const dec1 = join(dataDir, 'alarm-events', '2026-12-01.ndjson')
    await rm(dec1)
    await mkdir(dec1)
    // Dec 5 and Dec 3 hold the newest 4 (and more): Dec 1 is never opened.
    expect(await log.query({ limit: 4 })).toEqual(events.slice(-4))
    expect(await log.query({ rule: 'tank-high', limit: 4 })).toEqual(
      events.filter((e) => e.rule === 'tank-high').slice(-4)
    )
    // Fewer than `limit` in the newer days: the older ones are read after all.
    await expect(log.query({ limit: 10 })).rejects.toThrow(/EISDIR/)
  })

  it('streams every event of a query, however many, without its limit', async () => {
    const dataDir = await dirs.make()
    const log = await open(dataDir, DEC_1 + DAY)
    for (let i = 0; i < 12_000; i++) void log.append(event(DEC_1 + i, `tank-${i % 3}`))
    await log.flush()
    let count = 0
    const asked: AlarmEventQuery = { device: 'tank-0', limit: 10 } // as the CSV export passes it
    for await (const e of log.stream(asked)) {
      expect(e.device).toBe('tank-0')
      count++
    }
    expect(count).toBe(4000)
    expect(await log.query({ limit: 50_000 })).toHaveLength(10_000) // at most 10,000
    expect(await log.query({})).toHaveLength(1000) // 1,000 unless asked
  })

  it('deletes the days past retention at start', async () => {
    const { dataDir } = await fourDays()
    // Ten days later with 7 days' retention: Dec 1 and 2 are gone, Dec 3 and 5 stay.
    const later = await open(dataDir, DEC_1 + 9 * DAY + 1, 7)
    expect(await readdir(join(dataDir, 'alarm-events'))).toEqual([
      '2026-12-03.ndjson',
      '2026-12-05.ndjson'
    ])
    expect((await later.query({})).map((e) => e.time)).toEqual(
      [2, 4].flatMap((d) => [1000, 2000, 3000].map((t) => DEC_1 + d * DAY + t))
    )
  })
})
