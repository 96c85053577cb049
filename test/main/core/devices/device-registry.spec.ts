import { EventEmitter } from 'node:events'

import { afterEach, describe, expect, it } from 'vitest'

import { DeviceEventLog } from '../../../../src/main/core/devices/device-event-log'
import {
  DeviceRegistry,
  type DeviceSource
} from '../../../../src/main/core/devices/device-registry'
import { silentLogger } from '../../../../src/main/core/runtime/logger'
import type { StoredReport } from '../../../../src/shared/ingest-protocol'
import { capturingLogger } from '../../../support/log-lines'
import { nedbBackend, openStore, report, store } from '../../../support/store'
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
      events: await DeviceEventLog.open(nedbBackend(dir), 30, now),
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

  it('frees the place of a device retention forgot (--max-devices)', async () => {
    const dir = await dirs.make()
    let now = 12 * DAY
    const s = await openStore(dir, { retentionDays: 1, now: () => now, retentionCheckMs: 20 })
    const registry = new DeviceRegistry({
      source: s,
      events: await DeviceEventLog.open(nedbBackend(dir), 30, now),
      logger: silentLogger(),
      maxDevices: 1,
      now: () => now
    })
    const forgotten: string[][] = []
    registry.on('forgotten', (devices) => forgotten.push(devices))
    expect(registry.admit('pump')).toBe(true)
    await store(s, report('pump', 12 * DAY))
    await store(s, report('pump', 12 * DAY + 1))
    expect(registry.admit('pump')).toBe(true)
    expect(registry.admit('valve')).toBe(false)
    now = 15 * DAY // day 12 is more than a day old: retention deletes it
    await new Promise((r) => setTimeout(r, 100)) // the retention timer fires
    expect(registry.get('pump')).toBeUndefined()
    expect(forgotten).toEqual([['pump']])
    expect(registry.admit('valve')).toBe(true)
    await store(s, report('valve', 15 * DAY))
    expect(registry.list().map((d) => d.id)).toEqual(['valve'])
    expect(registry.admit('other')).toBe(false)
    registry.stop()
    await s.close()
  })
})

/** The store's side of the registry, as events: no disk needed to count. */
class ReportStream extends EventEmitter implements DeviceSource {
  deviceSummaries() {
    return []
  }
  store(...reports: StoredReport[]): void {
    this.emit('stored', reports)
  }
}

async function streamRegistry(
  options: Partial<ConstructorParameters<typeof DeviceRegistry>[0]> = {}
) {
  const stream = new ReportStream()
  let now = 1_000_000
  const registry = new DeviceRegistry({
    source: stream,
    events: await DeviceEventLog.open(nedbBackend(await dirs.make()), 30, now),
    logger: silentLogger(),
    tickMs: 3_600_000, // ticked by hand
    now: () => now,
    ...options
  })
  return {
    stream,
    registry,
    advance: (ms: number) => (now += ms),
    at: () => now
  }
}

describe('DeviceRegistry with many devices', () => {
  it('pages devices in id order by cursor, new ones merged into the order', async () => {
    const { stream, registry, at } = await streamRegistry()
    for (const id of ['m', 'c', 'x', 'a'])
      stream.store({ device: id, time: at(), identity: 'anonymous' })
    expect(registry.page(2)).toMatchObject({ total: 4, next: 'c' })
    expect(registry.page(2).devices.map((d) => d.id)).toEqual(['a', 'c'])
    stream.store({ device: 'd', time: at(), identity: 'anonymous' })
    const second = registry.page(2, 'c')
    expect(second.devices.map((d) => d.id)).toEqual(['d', 'm'])
    expect(second.next).toBe('m')
    expect(registry.page(2, 'm')).toMatchObject({ devices: [{ id: 'x' }], next: null })
    // A cursor that is no id (a device forgotten since) still continues in order.
    expect(registry.page(10, 'b').devices.map((d) => d.id)).toEqual(['c', 'd', 'm', 'x'])
    expect(registry.list().map((d) => d.id)).toEqual(['a', 'c', 'd', 'm', 'x'])
    registry.stop()
  })

  it('announces per tick only the devices that changed', async () => {
    const { stream, registry, advance, at } = await streamRegistry()
    const ids = Array.from({ length: 1000 }, (_, i) => `dev-${i}`)
    stream.store(...ids.map((device) => ({ device, time: at(), identity: 'anonymous' })))
    const announced: string[][] = []
    registry.on('changed', (devices) => announced.push(devices.map((d) => d.id)))
    registry.tick()
    advance(1000)
    stream.store({ device: 'dev-7', time: at(), identity: 'anonymous' })
    registry.tick()
    registry.tick()
    expect(announced.map((a) => a.length)).toEqual([1000, 1])
    expect(announced[1]).toEqual(['dev-7'])
    registry.stop()
  })

  it('sums up thousands of devices going offline in a few log lines', async () => {
    const { logger, lines } = capturingLogger()
    const { stream, registry, advance, at } = await streamRegistry({ logger })
    const ids = Array.from({ length: 3000 }, (_, i) => `dev-${i}`)
    stream.store(...ids.map((device) => ({ device, time: at(), identity: 'anonymous' })))
    advance(60_000)
    registry.tick() // all 3000 go offline
    advance(10_000)
    registry.stop() // says what it held back
    const messages = lines.map((l) => l.msg)
    expect(messages.filter((m) => m === 'device online')).toHaveLength(5)
    expect(messages.filter((m) => m === 'device offline')).toHaveLength(5)
    expect(messages).toContain('2995 more devices went online in the last 70 s')
    expect(messages).toContain('2995 more devices went offline in the last 10 s')
    expect(lines.length).toBeLessThanOrEqual(12)
  })
})
