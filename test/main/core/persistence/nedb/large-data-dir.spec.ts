import { access, readdir } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { api, consoleFixture } from '../../../../support/console'
import {
  nedbId,
  writeLegacyDeviceEvents,
  writeLegacyMessages
} from '../../../../support/legacy-data'

const DAY_MS = 86_400_000
const MILLION = 1_000_000
const TTL_MS = DAY_MS

const fixture = consoleFixture()
afterEach(() => fixture.cleanup())

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false
  )
}

describe('start-up on a data dir that a month of heavy use left', () => {
  it('starts with a million device events and a million messages, keeping what retention keeps', async () => {
    const dataDir = await fixture.dirs.make()
    const now = Date.now()
    // 40 days of events and messages, a quarter of them past the 30 days of retention.
    const events = await writeLegacyDeviceEvents(dataDir, {
      count: MILLION,
      devices: 20_000,
      now,
      spanDays: 40
    })
    const liveId = 'aaaaaaaa-0000-4000-8000-000000000001'
    const messages = await writeLegacyMessages(dataDir, {
      count: MILLION,
      now,
      spanDays: 40,
      ttlMs: TTL_MS,
      extra: [
        {
          id: liveId,
          data: { text: 'waiting' },
          broadcast: false,
          time: now - 3_600_000,
          expiresAt: now - 3_600_000 + TTL_MS,
          recipients: [
            { uid: 'phone-2', state: 'queued', sentAt: null, deliveredAt: null, receipt: null }
          ]
        }
      ]
    })
    // An old message (4 days, a day no longer loaded) updated after it was sent: NeDB appended
    // its new version under the same _id.
    const old = 900_000
    const { appendFile } = await import('node:fs/promises')
    await appendFile(
      join(dataDir, 'messages.db'),
      JSON.stringify({
        _id: nedbId(old),
        id: messages.idOf(old),
        data: { n: old },
        broadcast: false,
        time: messages.timeOf(old),
        expiresAt: messages.timeOf(old) + TTL_MS,
        recipients: [
          {
            uid: 'phone-1',
            state: 'delivered',
            sentAt: messages.timeOf(old),
            deliveredAt: messages.timeOf(old) + 5,
            receipt: { status: 'read', time: messages.timeOf(old) + 9 }
          }
        ]
      }) + '\n'
    )

    const c = await fixture.start({ retentionDays: 30, pushTtlMs: TTL_MS }, {}, dataDir)

    const cutoff = now - 30 * DAY_MS
    const device = 'dev-7'
    const expected: number[] = []
    for (let i = 7; i < MILLION; i += 20_000) if (events.timeOf(i) >= cutoff) expected.push(i)
    const served = await api(c, `/api/devices/${device}/events`)
    expect(served.status).toBe(200)
    expect(served.body.map((e: { time: number }) => e.time)).toEqual(
      expected.reverse().map((i) => events.timeOf(i))
    )
    expect(served.body[0]).toEqual({
      device,
      online: Math.floor(expected[0]! / 20_000) % 2 === 0,
      time: events.timeOf(expected[0]!)
    })

    const live = await api(c, `/api/messages/${liveId}`)
    expect(live.status).toBe(200)
    expect(live.body.recipients).toEqual([
      expect.objectContaining({ uid: 'phone-2', state: 'queued' })
    ])
    const older = await api(c, `/api/messages/${messages.idOf(old)}`)
    expect(older.status).toBe(200)
    expect(older.body.recipients[0].receipt).toEqual({
      status: 'read',
      time: messages.timeOf(old) + 9
    })
    const pastRetention = await api(c, `/api/messages/${messages.idOf(100_000)}`)
    expect(pastRetention.status).toBe(404)

    // Migrated once: the single files are gone, day files within retention remain.
    expect(await exists(join(dataDir, 'device-events.db'))).toBe(false)
    expect(await exists(join(dataDir, 'messages.db'))).toBe(false)
    for (const sub of ['device-events', 'messages']) {
      const days = (await readdir(join(dataDir, sub))).filter((n) => /^\d{4}-\d\d-\d\d\./.test(n))
      expect(days.length).toBeGreaterThanOrEqual(30)
      expect(days.length).toBeLessThanOrEqual(32)
      for (const name of days)
        expect(Date.parse(name.slice(0, 10)) + DAY_MS).toBeGreaterThan(cutoff)
    }
  }, 120_000)
})
