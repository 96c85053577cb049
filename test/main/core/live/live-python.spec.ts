import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { ACCESS_KEY, api, consoleFixture, eventually, VIEW_KEY } from '../../../support/console'
import { spawnCaptured, type CapturedProcess } from '../../../support/cli-process'
import { LineClient } from '../../../support/line-client'
import { PYTHON, pythonSocketioAvailable } from '../../../support/python-socketio'

const available = pythonSocketioAvailable()
const LISTENER = join(__dirname, '../../../support/python/live_listener.py')

const consoles = consoleFixture()
const devices: LineClient[] = []
const pythons: CapturedProcess[] = []
afterEach(async () => {
  for (const py of pythons.splice(0)) py.proc.kill('SIGKILL')
  for (const d of devices.splice(0)) d.close()
  await consoles.cleanup()
})

interface Line {
  event: string
  data?: any
}

/** The python viewer of `/live` at `base` with `key`; it gives up after 15 s by itself. */
function listener(base: string, key: string): CapturedProcess & { lines(): Line[] } {
  const py = spawnCaptured(PYTHON, [LISTENER, base, key, '15'], process.env, 'pipe')
  pythons.push(py)
  return {
    ...py,
    lines: () =>
      py
        .stdout()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Line)
  }
}

async function device(port: number): Promise<LineClient> {
  const d = await LineClient.connect(port)
  devices.push(d)
  return d
}

/** A device's state as docs/protocol.md shows it in `devices` (and GET /api/devices). */
const deviceState = (id: string, reports: number): Record<string, unknown> => ({
  id,
  identity: 'anonymous',
  firstSeen: expect.any(Number),
  lastSeen: expect.any(Number),
  reports,
  online: true,
  reportsPerMinute: reports
})

const hostSample = {
  time: expect.any(Number),
  cpus: [12.5, 40],
  cpu: 26.3,
  mem: { used: 1_000, total: 4_000 }
}

// The issue-12 promise: today's python-socketio scripts that listen to the four events keep working.
describe('a /live viewer nobody here wrote (python3-socketio)', () => {
  it.skipIf(!available)(
    'gets hello and the snapshot, then a live report and the device that came online',
    async () => {
      const c = await consoles.start()
      const first = await device(c.addresses.ingest.port)
      first.send({ device: 'boiler-1', seq: 1 })
      expect((await first.waitForReplies(1))[0]).toEqual({ ack: 1 })
      await eventually(() => c.core.operations.devices().length === 1, 'boiler-1 registered')

      const py = listener(c.base, VIEW_KEY)
      const named = (event: string, from = 0): Line[] =>
        py
          .lines()
          .slice(from)
          .filter((l) => l.event === event)
      // python-socketio runs each packet's handler on its own thread, so the order of one burst's
      // lines is not the order the console sent them in: wait for all five, whatever their order.
      const snapshotTopics = ['devices', 'clients', 'reports', 'metrics']
      await eventually(
        () => ['hello', ...snapshotTopics].every((e) => named(e).length > 0),
        `hello and the snapshot on the python viewer:\n${py.stdout()}\n${py.stderr()}`,
        15_000
      )

      const hello = named('hello')[0]!.data
      expect(hello).toEqual({
        role: 'viewer',
        version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
        ingest: [{ protocol: 'tcp', host: '127.0.0.1', port: c.addresses.ingest.port }],
        web: { host: '127.0.0.1', port: c.addresses.web.port },
        viewUrl: `http://127.0.0.1:${c.addresses.web.port}/?key=${VIEW_KEY}`
      })
      expect(JSON.stringify(hello)).not.toContain(ACCESS_KEY)
      expect(named('hello')).toHaveLength(1)

      expect(named('devices').map((l) => l.data)).toContainEqual([deviceState('boiler-1', 1)])
      expect(named('clients').map((l) => l.data)).toEqual([[]])
      const stored = (await api(c, '/api/reports?limit=1')).body[0]
      expect(stored).toEqual({
        _id: expect.any(String),
        device: 'boiler-1',
        identity: 'anonymous',
        seq: 1,
        time: expect.any(Number)
      })
      expect(named('reports').map((l) => l.data)).toEqual([[stored]])
      // The snapshot's samples carry no console counters; live ones (one a second) do.
      const snapshotMetrics = named('metrics').filter((l) =>
        l.data.every((m: Record<string, unknown>) => m.console === undefined)
      )
      expect(snapshotMetrics).toHaveLength(1)
      expect(snapshotMetrics[0]!.data.length).toBeGreaterThanOrEqual(1)
      for (const sample of snapshotMetrics[0]!.data) expect(sample).toEqual(hostSample)

      // Live: a report from a device never seen before, over real TCP.
      const from = py.lines().length
      const second = await device(c.addresses.ingest.port)
      second.send({ device: 'boiler-2', seq: 7 })
      expect((await second.waitForReplies(1))[0]).toEqual({ ack: 7 })
      const live = (await api(c, '/api/reports?device=boiler-2')).body[0]
      await eventually(
        () =>
          named('reports', from).some((l) => l.data.some((r: any) => r._id === live._id)) &&
          named('devices', from).some((l) => l.data.some((d: any) => d.id === 'boiler-2')),
        `the live report and device on the python viewer:\n${py.stdout()}`,
        10_000
      )
      expect(named('reports', from).map((l) => l.data)).toEqual([[live]])
      expect(live).toMatchObject({ device: 'boiler-2', seq: 7 })
      const boiler2 = named('devices', from)
        .flatMap((l) => l.data)
        .filter((d: any) => d.id === 'boiler-2')
      expect(boiler2).toEqual([deviceState('boiler-2', 1)])
      const liveMetrics = named('metrics').filter(
        (l) => JSON.stringify(l) !== JSON.stringify(snapshotMetrics[0])
      )
      for (const l of liveMetrics)
        expect(l.data).toEqual([
          { ...hostSample, console: { reportsPerSecond: expect.any(Number), viewers: 1 } }
        ])
      expect(named('missed')).toEqual([])

      py.proc.stdin!.end()
      expect(await py.exited).toBe(0)
      expect(py.lines().at(-1)).toEqual({ event: 'done' })
    },
    20_000
  )

  it.skipIf(!available)(
    'is refused a wrong key with a connect_error whose data carries the code',
    async () => {
      const c = await consoles.start()
      const py = listener(c.base, 'not-the-key-at-all')
      expect(await py.exited).toBe(2)
      expect(py.lines()).toEqual([
        { event: 'connect_error', data: { message: 'wrong key', data: { code: 'wrong_key' } } },
        { event: 'refused' }
      ])
    },
    20_000
  )
})
