import { afterEach, describe, expect, it } from 'vitest'

import {
  ACCESS_KEY,
  api,
  consoleFixture,
  liveClient,
  nextEvent,
  VIEW_KEY
} from '../../../support/console'
import { busyFor } from '../../../support/busy-loop'
import { LineClient } from '../../../support/line-client'

const consoles = consoleFixture()
afterEach(() => consoles.cleanup())

describe('GET /api/diagnostics', () => {
  it('reports the process, its connections and the store, to the operator only', async () => {
    const c = await consoles.start()
    expect((await api(c, '/api/diagnostics', { key: VIEW_KEY })).status).toBe(403)

    const device = await LineClient.connect(c.addresses.ingest.port)
    device.send({ device: 'd', seq: 1 }, { device: 'd', seq: 2 })
    await device.waitForReplies(2)
    const viewer = liveClient(c, VIEW_KEY)
    await nextEvent(viewer, 'hello')
    try {
      const { status, body } = await api(c, '/api/diagnostics', { key: ACCESS_KEY })
      expect(status).toBe(200)
      expect(body).toMatchObject({
        connections: { ingest: 1, viewers: 1, pushClients: 0 },
        store: { reports: 2, partitions: 1, bytesOnDisk: expect.any(Number) }
      })
      expect(body.store.bytesOnDisk).toBeGreaterThan(0)
      expect(body.memory.rss).toBeGreaterThan(body.memory.heapUsed)
      expect(body.eventLoopDelayMs.max).toBeGreaterThanOrEqual(body.eventLoopDelayMs.p50)
      expect(body.eventLoopUtilization).toBeGreaterThan(0)
      expect(body.eventLoopUtilization).toBeLessThanOrEqual(1)
      expect(body.handles.TCPServerWrap).toBeGreaterThanOrEqual(2) // ingest and web
      expect(JSON.stringify(body)).not.toContain(ACCESS_KEY)
    } finally {
      device.close()
      viewer.disconnect()
    }
  })

  it('says how live batches are paced: a frame apart with time to spare, the interval under load', async () => {
    let load = 0.1
    const c = await consoles.start({ liveIntervalMs: 80 }, { live: { load: () => load } })
    const pace = async (): Promise<unknown> =>
      (await api(c, '/api/diagnostics', { key: ACCESS_KEY })).body.live
    expect(await pace()).toEqual({ underLoad: false, intervalMs: 16, load: 0.1 })
    load = 0.9
    expect(await pace()).toEqual({ underLoad: true, intervalMs: 80, load: 0.9 })
  })

  it("paces live batches by the console's own load: a loop kept busy counts, an idle one not", async () => {
    // The console's real load reading (the spec default reads none).
    const c = await consoles.start({}, { live: { load: undefined } })
    const pace = async (): Promise<{ underLoad: boolean; load: number }> =>
      (await api(c, '/api/diagnostics', { key: ACCESS_KEY })).body.live
    await busyFor(2500) // this process is the console's: its event loop is kept from resting
    const busy = await pace()
    await new Promise((r) => setTimeout(r, 2000))
    const idle = await pace()
    expect(busy.underLoad).toBe(true)
    expect(idle.underLoad).toBe(false)
    expect(idle.load).toBeLessThan(busy.load)
  })
})
