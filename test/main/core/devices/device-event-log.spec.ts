import { afterEach, describe, expect, it } from 'vitest'

import { DeviceEventLog, RECENT_EVENTS } from '../../../../src/main/core/devices/device-event-log'
import { nedbBackend } from '../../../support/store'
import { tempDirs } from '../../../support/temp-dir'

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

/** 2026-12-01T00:00:00Z */
const DEC_1 = Date.UTC(2026, 11, 1)

describe('DeviceEventLog', () => {
  it('answers the newest events of a device from memory, the same after a restart', async () => {
    const dataDir = await dirs.make()
    const now = DEC_1
    const log = await DeviceEventLog.open(nedbBackend(dataDir), 30, now)
    const count = 2 * RECENT_EVENTS + 500
    for (let i = 0; i < count; i++) {
      void log.append({ device: 'valve', online: i % 2 === 0, time: now - count + i })
      void log.append({ device: 'other', online: true, time: now - count + i })
    }
    await log.close()
    const newest = Array.from({ length: RECENT_EVENTS }, (_, k) => ({
      device: 'valve',
      online: (count - 1 - k) % 2 === 0,
      time: now - 1 - k
    }))
    expect(await log.recent('valve', 5000)).toEqual(newest)
    expect(await log.recent('valve', 3)).toEqual(newest.slice(0, 3))
    expect(await log.recent('nobody', 10)).toEqual([])
    const reopened = await DeviceEventLog.open(nedbBackend(dataDir), 30, now)
    expect(await reopened.recent('valve', 5000)).toEqual(newest)
    await reopened.close()
  })
})
