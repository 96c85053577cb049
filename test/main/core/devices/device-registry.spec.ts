import { afterEach, describe, expect, it } from 'vitest'

import { DeviceEventLog } from '../../../../src/main/core/devices/device-event-log'
import { DeviceRegistry } from '../../../../src/main/core/devices/device-registry'
import { silentLogger } from '../../../../src/main/core/logger'
import { openStore, report, store } from '../../../support/store'
import { tempDirs } from '../../../support/temp-dir'

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

const DAY = 86_400_000

describe('DeviceRegistry', () => {
  it('counts only durable reports, and forgets what retention deleted', async () => {
    const dir = await dirs.make()
    let now = 12 * DAY
    const s = await openStore(dir, { retentionDays: 5, now: () => now, retentionCheckMs: 20 })
    const registry = new DeviceRegistry({
      source: s,
      events: await DeviceEventLog.open(dir, 30, now),
      logger: silentLogger(),
      now: () => now
    })
    await store(s, report('pump', 10 * DAY))
    await store(s, report('pump', 11 * DAY)) // day 10 closes
    await store(s, report('pump', 12 * DAY)) // day 11 closes
    await store(s, report('valve', 12 * DAY + 5))
    expect(registry.get('pump')).toMatchObject({
      firstSeen: 10 * DAY,
      lastSeen: 12 * DAY,
      reports: 3
    })

    now = 15.5 * DAY // day 10 is now more than 5 days old, day 11 not yet
    await new Promise((r) => setTimeout(r, 100)) // the retention timer fires
    expect(registry.get('pump')).toMatchObject({
      firstSeen: 11 * DAY,
      lastSeen: 12 * DAY,
      reports: 2
    })
    expect(registry.list().map((d) => d.id)).toEqual(['pump', 'valve'])
    registry.stop()
    await s.close()
  })
})
