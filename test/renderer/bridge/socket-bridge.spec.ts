import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

import { Server } from 'socket.io'
import { afterEach, describe, expect, it } from 'vitest'

import type { BridgeEvents, LinkState } from '../../../src/renderer/src/bridge/console-bridge'
import { SocketBridge } from '../../../src/renderer/src/bridge/socket-bridge'
import type { LiveSnapshot } from '../../../src/shared/live-events'
import {
  ACCESS_KEY,
  eventually,
  startConsole,
  VIEW_KEY,
  type RunningConsole
} from '../../support/console'
import { LineClient } from '../../support/line-client'
import { tempDirs } from '../../support/temp-dir'

// The browser's bridge, in Node, against a real console: socket.io-client and fetch are the
// same ones a browser page uses.

const dirs = tempDirs()
const stops: Array<() => unknown> = []
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop()
  await dirs.cleanup()
})

async function console_(maxViewers?: number, now?: () => number): Promise<RunningConsole> {
  const c = await startConsole(await dirs.make(), { maxViewers }, { now })
  stops.push(() => c.stop())
  return c
}

function connect(c: RunningConsole, key: string) {
  const log: string[] = []
  const links: LinkState[] = []
  const snapshots: LiveSnapshot[] = []
  const seqs: number[] = []
  const events: BridgeEvents = {
    hello: () => log.push('hello'),
    snapshot: (s) => {
      log.push('snapshot')
      snapshots.push(s)
    },
    reports: (r) => {
      log.push('reports')
      seqs.push(...r.map((x) => x.seq!))
    },
    metrics: () => log.push('metrics'),
    devices: () => log.push('devices'),
    clients: () => log.push('clients'),
    alarms: () => log.push('alarms'),
    alarmFlood: () => log.push('alarmFlood'),
    sources: () => log.push('sources'),
    missed: () => log.push('missed'),
    link: (l) => links.push(l)
  }
  const bridge = new SocketBridge(c.base, key)
  const stop = bridge.connect(events)
  stops.push(stop)
  return { bridge, log, links, snapshots, seqs, stop }
}

/** Bridge events a test does not look at. */
const ignored: BridgeEvents = {
  hello: () => undefined,
  snapshot: () => undefined,
  reports: () => undefined,
  metrics: () => undefined,
  devices: () => undefined,
  clients: () => undefined,
  alarms: () => undefined,
  alarmFlood: () => undefined,
  sources: () => undefined,
  missed: () => undefined,
  link: () => undefined
}

describe('SocketBridge', () => {
  it('gathers the snapshot into one before any live event, then passes live reports on', async () => {
    const c = await console_()
    const device = await LineClient.connect(c.addresses.ingest.port)
    stops.push(() => device.close())
    device.send({ device: 'd1', seq: 1 })
    await device.waitForReplies(1)

    const v = connect(c, VIEW_KEY)
    await eventually(async () => v.links.at(-1)?.state === 'live', 'the link live')
    expect(v.log).toEqual(['hello', 'snapshot'])
    expect(v.snapshots[0]!.reports.map((r) => r.seq)).toEqual([1])

    device.send({ device: 'd1', seq: 2 })
    await eventually(async () => v.seqs.includes(2), 'the live report')
    expect(v.seqs).toEqual([2]) // the snapshot's report is not sent again
  })

  it('stops at a wrong key and says so, without retrying', async () => {
    const c = await console_()
    const v = connect(c, 'not-a-key')
    await eventually(async () => v.links.at(-1)?.state === 'refused', 'the refusal')
    expect(v.links.at(-1)).toMatchObject({ state: 'refused', reason: 'wrong_key' })
    await new Promise((r) => setTimeout(r, 1200)) // longer than the first retry would wait
    expect(v.links.filter((l) => l.state === 'refused')).toHaveLength(1)
  })

  it('tells refusals apart by their code, however the console words them', async () => {
    // Found in review: the bridge matched the English messages; a reworded one made a wrong key
    // an endless "reconnecting". A console whose messages say something else entirely:
    const refusals: Array<{ message: string; data: Record<string, unknown> }> = [
      { message: 'Falscher Schlüssel', data: { code: 'wrong_key' } },
      { message: 'Schlüssel fehlt', data: { code: 'no_key' } },
      { message: 'Zu viele Versuche', data: { code: 'too_many_attempts', retryAfter: 30 } }
    ]
    const http = createServer()
    const io = new Server(http)
    let next = 0
    io.of('/live').use((_socket, refuse) =>
      refuse(Object.assign(new Error(refusals[next]!.message), { data: refusals[next]!.data }))
    )
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    stops.push(() => new Promise((resolve) => io.close(() => resolve(undefined))))
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
    const links: LinkState[][] = []
    for (next = 0; next < refusals.length; next++) {
      const seen: LinkState[] = []
      links.push(seen)
      stops.push(
        new SocketBridge(base, 'some-key').connect({
          ...ignored,
          link: (l) => seen.push(l)
        })
      )
      await eventually(async () => seen.length > 1, 'the refusal')
    }
    expect(links.map((seen) => seen.at(-1))).toEqual([
      { state: 'refused', reason: 'wrong_key', message: 'Falscher Schlüssel' },
      { state: 'refused', reason: 'no_key', message: 'Schlüssel fehlt' },
      { state: 'throttled', retryAt: expect.any(Number), message: 'Zu viele Versuche' }
    ])
    const throttled = links[2]!.at(-1) as Extract<LinkState, { state: 'throttled' }>
    expect(throttled.retryAt - Date.now()).toBeGreaterThan(25_000)
  })

  it('keeps its key while the address is throttled, says until when, and gets in by itself after', async () => {
    const t0 = Date.now()
    let clock = t0
    const c = await console_(undefined, () => clock)
    for (let i = 0; i < 10; i++)
      await fetch(`${c.base}/api/devices`, { headers: { authorization: 'Bearer guess-guess' } })
    clock = t0 + 59_500 // half a second of the throttle left: it says 1 s

    const v = connect(c, VIEW_KEY)
    await eventually(async () => v.links.at(-1)?.state === 'throttled', 'the throttle shown')
    const throttled = v.links.at(-1) as Extract<LinkState, { state: 'throttled' }>
    expect(throttled.message).toMatch(/too many wrong keys from your address: try again in 1 s/)
    expect(throttled.retryAt).toBeGreaterThan(Date.now())
    expect(throttled.retryAt).toBeLessThanOrEqual(Date.now() + 1000)
    clock = t0 + 61_000 // the console's minute is over

    await eventually(async () => v.links.at(-1)?.state === 'live', 'the retry, with the same key')
    expect(v.links.some((l) => l.state === 'refused')).toBe(false)
    expect(v.log).toEqual(['hello', 'snapshot'])
  })

  it('waits while the console is full of viewers, and gets in when a place frees up', async () => {
    const c = await console_(1)
    const first = connect(c, VIEW_KEY)
    await eventually(async () => first.links.at(-1)?.state === 'live', 'the first viewer in')
    const second = connect(c, VIEW_KEY)
    await eventually(async () => second.links.at(-1)?.state === 'reconnecting', 'the second told')
    expect(second.links.at(-1)).toMatchObject({
      message: expect.stringMatching(/at most 1 viewers/)
    })
    first.stop() // the first viewer leaves
    await eventually(async () => second.links.at(-1)?.state === 'live', 'the second in', 10_000)
  })

  it('shows the link lost, and a fresh snapshot first when it is back', async () => {
    const c = await console_()
    const v = connect(c, VIEW_KEY)
    await eventually(async () => v.links.at(-1)?.state === 'live', 'the link live')
    // Cut the connection under the viewer: the console's side closes it, as it restarts on the
    // same port and data dir.
    await c.stop()
    const again = await startConsole(c.dataDir, { webPort: c.addresses.web.port })
    stops.push(() => again.stop())
    await eventually(async () => v.links.at(-1)?.state === 'reconnecting', 'the link lost')
    await eventually(async () => v.links.at(-1)?.state === 'live', 'the link back', 10_000)
    expect(v.log).toEqual(['hello', 'snapshot', 'hello', 'snapshot'])
  })

  it('queries history and sends over HTTP with its key, and turns refusals into coded errors', async () => {
    const c = await console_()
    const device = await LineClient.connect(c.addresses.ingest.port)
    stops.push(() => device.close())
    device.send({ device: 'd1', seq: 1, t: 20 }, { device: 'd2', seq: 1, t: 21 })
    await device.waitForReplies(2)

    const viewer = new SocketBridge(c.base, VIEW_KEY)
    expect((await viewer.queryReports({ device: 'd2' })).map((r) => r.t)).toEqual([21])
    await expect(viewer.queryReports({ limit: 0 })).rejects.toMatchObject({ code: 'bad_request' })
    await expect(viewer.sendMessage({ data: 'x' })).rejects.toMatchObject({ code: 'forbidden' })

    // A series names each field as its own parameter.
    const now = Date.now()
    const series = await viewer.series({
      device: 'd1',
      fields: ['t', 'motor.t'],
      since: now - 60_000,
      until: now + 1000
    })
    expect(series.series.map((f) => [f.field, f.buckets.map((b) => [b.count, b.last])])).toEqual([
      ['t', [[1, 20]]],
      ['motor.t', []]
    ])
    await expect(
      viewer.series({ device: 'd1', fields: [], since: now - 60_000, until: now })
    ).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/^fields: /) })

    const operator = new SocketBridge(c.base, ACCESS_KEY)
    const accepted = await operator.sendMessage({ data: 'hello' })
    expect((await operator.messageStatus(accepted.id)).id).toBe(accepted.id)
    await expect(operator.sendMessage({ to: 'nobody', data: 'x' })).rejects.toMatchObject({
      code: 'not_found'
    })
  })
})
