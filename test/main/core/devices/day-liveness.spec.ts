import { EventEmitter } from 'node:events'

import { afterEach, describe, expect, it } from 'vitest'

import { DeviceEventLog } from '../../../../src/main/core/devices/device-event-log'
import {
  DeviceRegistry,
  type DeviceSource
} from '../../../../src/main/core/devices/device-registry'
import { silentLogger } from '../../../../src/main/core/runtime/logger'
import type { StoredReport } from '../../../../src/shared/ingest-protocol'
import { nedbBackend, openStore, report, store } from '../../../support/store'
import { tempDirs } from '../../../support/temp-dir'

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

const HOUR = 3_600_000
const DAY = 24 * HOUR
// Starts an hour before a UTC midnight, so the day crosses one.
const START = 20_000 * DAY - HOUR

/** The store's side of the registry, as events: the day's reports need no disk to be counted. */
class ReportStream extends EventEmitter implements DeviceSource {
  deviceSummaries() {
    return []
  }
  store(report: StoredReport): void {
    this.emit('stored', [report])
  }
}

describe('a day of one report a second, at accelerated time', () => {
  it('goes offline only in the outages, and back online when reports resume', async () => {
    let now = START
    const stream = new ReportStream()
    const registry = new DeviceRegistry({
      source: stream,
      events: await DeviceEventLog.open(nedbBackend(await dirs.make()), 30, now),
      logger: silentLogger(),
      tickMs: 3_600_000, // ticked by hand below, once a simulated second
      now: () => now
    })
    // Outages: a minute at 06:00, five minutes at 12:00. Jitter (1–4 s gaps) from 18:00 to 19:00
    // must not count as one.
    const outages = [
      { from: START + 6 * HOUR, to: START + 6 * HOUR + 60_000 },
      { from: START + 12 * HOUR, to: START + 12 * HOUR + 300_000 }
    ]
    const jitter = { from: START + 18 * HOUR, to: START + 19 * HOUR }
    const offlineSeen: number[] = []
    registry.on('changed', (devices) => {
      for (const d of devices) if (!d.online) offlineSeen.push(now)
    })
    let seq = 0
    let nextReport = START
    for (; now <= START + DAY; now += 1000) {
      if (now >= nextReport && !outages.some((o) => now >= o.from && now < o.to)) {
        stream.store({ device: 'rtu-1', seq: ++seq, time: now, identity: 'anonymous' })
        const inJitter = now >= jitter.from && now < jitter.to
        nextReport = now + (inJitter ? 1000 * (1 + (seq % 4)) : 1000)
      }
      registry.tick()
    }
    registry.stop()

    const events = (await registry.recentEvents('rtu-1', 100)).reverse()
    expect(events.map((e) => e.online)).toEqual([true, false, true, false, true])
    // Offline ten seconds (the least wait) after the last report before each outage; online
    // with the first report after it.
    expect(events.map((e) => e.time - START)).toEqual([
      0,
      6 * HOUR - 1000 + 11_000,
      6 * HOUR + 60_000,
      12 * HOUR - 1000 + 11_000,
      12 * HOUR + 300_000
    ])
    expect(offlineSeen).toHaveLength(2)
    expect(registry.get('rtu-1')).toMatchObject({ online: true, reports: seq })
  })
})

describe('device clocks', () => {
  it('orders reports by receive time, whatever a skewed device clock put in `ts`', async () => {
    const s = await openStore(await dirs.make())
    const t0 = Date.now() // within retention: the store keeps 30 days
    // One device an hour behind, one a day ahead, one whose clock jumped back mid-stream.
    await store(s, report('behind', t0 + 1, { seq: 1, ts: t0 - HOUR }))
    await store(s, report('ahead', t0 + 2, { seq: 1, ts: t0 + DAY }))
    await store(s, report('jumpy', t0 + 3, { seq: 1, ts: t0 + 3 }))
    await store(s, report('jumpy', t0 + 4, { seq: 2, ts: t0 - 5 * HOUR }))
    await store(s, report('behind', t0 + 5, { seq: 2, ts: t0 - HOUR + 4 }))
    const got = await s.query({ limit: 10 })
    expect(got.map((r) => [r.device, r.seq])).toEqual([
      ['behind', 2],
      ['jumpy', 2],
      ['jumpy', 1],
      ['ahead', 1],
      ['behind', 1]
    ])
    // Ranges select by receive time too: the report whose `ts` is a day ahead is not "later".
    expect((await s.query({ since: t0 + 3, limit: 10 })).map((r) => r.time)).toEqual([
      t0 + 5,
      t0 + 4,
      t0 + 3
    ])
    await s.close()
  })
})
