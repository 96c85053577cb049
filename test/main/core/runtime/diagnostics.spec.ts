import { afterEach, describe, expect, it } from 'vitest'

import {
  ConsoleDiagnostics,
  type DiagnosticsSources
} from '../../../../src/main/core/runtime/diagnostics'
import type { HostMetrics } from '../../../../src/shared/live-events'
import {
  ACCESS_KEY,
  api,
  consoleFixture,
  eventually,
  liveClient,
  nextEvent,
  VIEW_KEY
} from '../../../support/console'
import { busyFor } from '../../../support/busy-loop'
import { LineClient } from '../../../support/line-client'

const consoles = consoleFixture()

/**
 * Node's event-loop delay monitor counts a stall from its first tick on (10 ms after it is
 * enabled): a stall before that tick is not seen.
 */
const loopDelayTicked = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 30))

/** What the diagnostics count besides the event loop: nothing here. */
const quietSources: DiagnosticsSources = {
  ingestConnections: () => 0,
  viewers: () => 0,
  pushClients: () => 0,
  streams: () => ({ open: 0, catchingUp: 0, queuedBytes: 0 }),
  live: () => ({ underLoad: false, intervalMs: 16, load: 0 }),
  store: { reportCount: 0, partitionCount: 0, bytesStored: async () => 0 },
  alarms: () => ({ rules: 0, held: 0, notEvaluated: 0, refusedForLimit: 0, rulesFileError: null })
}
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

  it('reads the pace without changing it: two reads say what a batch would go by', async () => {
    // Found in review: the read decided the pace (and advanced its smoothing), so a read at a
    // busy moment held the console under load for the reads, and the batches, that followed.
    let load = 0.9
    const c = await consoles.start({ liveIntervalMs: 80 }, { live: { load: () => load } })
    const pace = async (): Promise<unknown> =>
      (await api(c, '/api/diagnostics', { key: ACCESS_KEY })).body.live
    expect(await pace()).toEqual({ underLoad: true, intervalMs: 80, load: 0.9 })
    load = 0.6 // between leaving (0.5) and entering (0.7): no batch has gone under load
    expect(await pace()).toEqual({ underLoad: false, intervalMs: 16, load: 0.6 })
  })

  it('shows a second reader the stall the first one saw: a read resets nothing', async () => {
    const c = await consoles.start()
    await loopDelayTicked()
    await busyFor(300)
    const read = async () => (await api(c, '/api/diagnostics', { key: ACCESS_KEY })).body
    const first = await read()
    const second = await read()
    expect(first.eventLoopDelayMs.max).toBeGreaterThanOrEqual(250)
    expect(second.eventLoopDelayMs.max).toBeGreaterThanOrEqual(250)
  })

  it('gives the event loop of the last full window, then forgets a stall once a quiet one passes', async () => {
    const diagnostics = new ConsoleDiagnostics({ ...quietSources, windowMs: 150 })
    try {
      await loopDelayTicked()
      await busyFor(300)
      await eventually(
        async () => (await diagnostics.read()).eventLoopDelayMs.max >= 250,
        'the window with the stall'
      )
      const stalled = await diagnostics.read()
      expect(stalled.eventLoopUtilization).toBeGreaterThan(0.5)
      // Read as often as anyone likes: the window's figures stay until the next one completes.
      expect((await diagnostics.read()).eventLoopDelayMs).toEqual(stalled.eventLoopDelayMs)
      await eventually(
        async () => (await diagnostics.read()).eventLoopDelayMs.max < 100,
        'a quiet window'
      )
    } finally {
      diagnostics.stop()
    }
  })

  it("counts the uptime by the console's clock", async () => {
    let clock = Date.now()
    const c = await consoles.start({}, { now: () => clock })
    clock += 90_000
    expect((await api(c, '/api/diagnostics', { key: ACCESS_KEY })).body.uptimeSeconds).toBe(90)
  })

  it('counts the desktop window among the viewers, as the live samples do', async () => {
    // Found in review: diagnostics counted sockets only, the header sockets and windows.
    const c = await consoles.start()
    const window = c.core.operations.subscribeLive(() => undefined)
    const viewer = liveClient(c, VIEW_KEY)
    const samples: HostMetrics[][] = []
    viewer.on('metrics', (m) => samples.push(m))
    try {
      await nextEvent(viewer, 'hello')
      await eventually(() => samples.flat().some((s) => s.console !== undefined), 'a live sample')
      const counted = samples.flat().find((s) => s.console !== undefined)!.console!.viewers
      const { body } = await api(c, '/api/diagnostics', { key: ACCESS_KEY })
      expect(body.connections.viewers).toBe(2)
      expect(body.connections.viewers).toBe(counted)
    } finally {
      viewer.disconnect()
      window.unsubscribe()
    }
  })
})
