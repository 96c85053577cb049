/**
 * Upgrade in place: today's build started on a data dir that release 0.1.0 wrote
 * (test/fixtures/data-dir-0.1.0/, made by test/fixtures/make-previous-data-dir.ts) loses
 * nothing — keys, reports, the dedup window, devices and their events, device tokens, push
 * clients and the messages waiting for them. Only public interfaces are asked: the HTTP API,
 * TCP ingest and /push.
 */
import { cp } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { DeviceState, MessageStatus } from '../../../src/shared/api-types'
import type { PushClientState } from '../../../src/shared/live-events'
import {
  AGELESS_FLAGS,
  DEVICE_IDS,
  expectedDevices,
  expectedOnlinePattern,
  expectedReports,
  FIXTURE_DIR,
  PHASES,
  PUSH_CLIENTS,
  QUEUED,
  readRecorded,
  REPORT_COUNT,
  type PushUid,
  type StoredReport
} from '../../fixtures/previous-data-dir'
import { serveRequest, startServe, type ServeProcess } from '../../support/cli-process'
import { LineClient } from '../../support/line-client'
import { pushPeer, type PushSocket } from '../../support/push-peer'
import { tempDirs } from '../../support/temp-dir'

const recorded = readRecorded()
const dirs = tempDirs()
const sockets: PushSocket[] = []

afterAll(async () => {
  for (const socket of sockets.splice(0)) socket.close()
  await dirs.cleanup()
})

/**
 * Today's console on a copy of the fixture (the fixture itself stays as 0.1.0 left it), for the
 * tests of one describe block: started once, on a loaded two-core machine a start costs seconds.
 */
function upgraded(): () => ServeProcess {
  let s: ServeProcess | undefined
  beforeAll(async () => {
    const dataDir = join(await dirs.make('lookout-upgrade-'), 'data')
    await cp(FIXTURE_DIR, dataDir, { recursive: true })
    s = await startServe(dataDir, AGELESS_FLAGS)
  })
  afterAll(async () => {
    if (s === undefined || s.proc.exitCode !== null || s.proc.signalCode !== null) return
    s.proc.kill('SIGKILL')
    await s.exited
  })
  return () => s!
}

async function get<T = any>(s: ServeProcess, path: string): Promise<T> {
  const res = await serveRequest(s, path)
  expect(res.status, `GET ${path}: ${JSON.stringify(res.body)}`).toBe(200)
  return res.body as T
}

const burst = (device: string, phase: number) => PHASES[phase]!.find((b) => b.device === device)!

describe('upgrade in place from 0.1.0: what it left, read back', () => {
  const lookout = upgraded()

  it('keeps the access key and the view key', async () => {
    const s = lookout()
    await s.waitForStdout(/^view: .*$/m)
    const keyIn = (line: string): string | null =>
      new URL(new RegExp(`^${line}: (.*)$`, 'm').exec(s.stdout())![1]!).searchParams.get('key')
    expect(keyIn('open')).toBe(recorded.keys.access)
    expect(keyIn('view')).toBe(recorded.keys.view)
    const view = recorded.keys.view
    expect((await serveRequest(s, '/api/devices', { key: view })).status).toBe(200)
    const send = { method: 'POST', body: { to: 'phone-a', data: {} }, key: view }
    expect((await serveRequest(s, '/api/messages', send)).status).toBe(403)
  })

  it('keeps every report as it was sent, newest first, from both partitions', async () => {
    const reports = await get<StoredReport[]>(lookout(), '/api/reports?limit=10000')
    expect(reports).toHaveLength(REPORT_COUNT)
    expect(reports).toEqual(expectedReports(recorded.api.reports))
  })

  it('keeps the devices, every one offline after the restart', async () => {
    const devices = await get<DeviceState[]>(lookout(), '/api/devices')
    const summaries = devices.map(({ online: _o, reportsPerMinute: _r, ...summary }) => summary)
    expect(summaries).toEqual(expectedDevices(expectedReports(recorded.api.reports)))
    expect(devices.map((d) => d.online)).toEqual(DEVICE_IDS.map(() => false))
  })

  it("keeps each device's online/offline events", async () => {
    for (const id of DEVICE_IDS) {
      const events = await get<Array<{ online: boolean }>>(lookout(), `/api/devices/${id}/events`)
      expect(events, id).toEqual(recorded.api.events[id])
      expect(
        events.map((e) => e.online),
        id
      ).toEqual(expectedOnlinePattern(id))
    }
  })

  it('keeps the device tokens and that they are required', async () => {
    expect(await get(lookout(), '/api/device-tokens')).toEqual(recorded.api.deviceTokens)
  })

  it('keeps the push clients, every one offline after the restart', async () => {
    const clients = await get<PushClientState[]>(lookout(), '/api/clients')
    expect(clients).toEqual(recorded.api.clients)
    expect(clients.map((c) => c.online)).toEqual(PUSH_CLIENTS.map(() => false))
  })

  it('keeps every message with its delivery states and receipts', async () => {
    for (const [id, status] of Object.entries(recorded.api.messages))
      expect(await get<MessageStatus>(lookout(), `/api/messages/${id}`), id).toEqual(status)
  })
})

// Each test here uses its own part of the fixture (boiler-1 and meter-7's seqs; new device ids;
// the push clients), so they share one console without one changing what another asserts.
describe('upgrade in place from 0.1.0: what it left, used', () => {
  const lookout = upgraded()

  it('keeps the dedup window: seqs stored by 0.1.0 are acked again, not stored twice', async () => {
    const s = lookout()
    const auth = recorded.deviceTokens
    // boiler-1's seqs are two runs, one in each partition; meter-7's are in the closed one.
    const [run1, run2, meter] = [burst('boiler-1', 0), burst('boiler-1', 1), burst('meter-7', 1)]
    const resent = [
      { device: 'boiler-1', seq: run1.firstSeq!, auth: auth.line1 },
      { device: 'boiler-1', seq: run1.firstSeq! + run1.count - 1, auth: auth.line1 },
      { device: 'boiler-1', seq: run2.firstSeq! + run2.count - 1, auth: auth.line1 },
      { device: 'meter-7', seq: meter.firstSeq! + 10, auth: auth.hall2 }
    ]
    const fresh = { device: 'boiler-1', seq: run2.firstSeq! + run2.count, auth: auth.line1 }
    const device = await LineClient.connect(s.ingestPort)
    try {
      device.send(...resent.map((r) => ({ ...r, temp: -1 })), { ...fresh, temp: 99 })
      const replies = await device.waitForReplies(resent.length + 1)
      expect(replies).toEqual(
        expect.arrayContaining([...resent, fresh].map((r) => ({ ack: r.seq })))
      )
    } finally {
      device.close()
    }
    const boiler = await get<StoredReport[]>(s, '/api/reports?device=boiler-1&limit=10000')
    expect(boiler).toHaveLength(run1.count + run2.count + 1)
    expect(boiler[0]).toMatchObject({ seq: fresh.seq, temp: 99 })
    expect(boiler.filter((r) => r.temp === -1)).toEqual([])
    const meters = await get<StoredReport[]>(s, '/api/reports?device=meter-7&limit=10000')
    expect(meters).toHaveLength(meter.count)
  })

  it('keeps the device tokens: the old ones accepted, the revoked, unknown and missing refused', async () => {
    const auth = recorded.deviceTokens
    const device = await LineClient.connect(lookout().ingestPort)
    try {
      device.send(
        { device: 'boiler-2', seq: 1, auth: auth.line1 },
        { device: 'meter-9', seq: 2, auth: auth.hall2 },
        { device: 'boiler-2', seq: 3, auth: auth.hall2 },
        { device: 'gw-9', seq: 4, auth: auth.oldGateway },
        { device: 'pump-3', seq: 5 },
        { device: 'pump-3', seq: 6, auth: 'never-made-token-0123456789' }
      )
      const replies = await device.waitForReplies(6)
      const bySeq = (seq: number) => replies.find((r) => r.seq === seq || r.ack === seq)
      expect(bySeq(1)).toEqual({ ack: 1 })
      expect(bySeq(2)).toEqual({ ack: 2 })
      for (const seq of [3, 4, 5, 6])
        expect(bySeq(seq), `seq ${seq}`).toMatchObject({ error: 'unauthorized' })
    } finally {
      device.close()
    }
  })

  it('gives a returning push client its old token and what waits for it, in order, once', async () => {
    const s = lookout()
    const { queued } = recorded.messageIds
    const waiting = (uid: PushUid) =>
      QUEUED.map((q, i) => ({ ...q, id: queued[i]! })).filter((q) => q.uid === uid)
    for (const c of PUSH_CLIENTS) {
      const peer = pushPeer(`http://127.0.0.1:${s.webPort}`)
      sockets.push(peer.socket)
      expect(await peer.register(c), c.uid).toBe(recorded.pushTokens[c.uid])
      const expected = waiting(c.uid)
      const got = await peer.next(expected.length)
      // A message sent now goes out after anything still waiting: nothing else came before it.
      const fence = await serveRequest(s, '/api/messages', {
        method: 'POST',
        body: { to: c.uid, data: { fence: c.uid } }
      })
      expect(fence.status).toBe(202)
      const all = await peer.next(expected.length + 1)
      expect(
        all.map((m) => m.id),
        c.uid
      ).toEqual([...expected.map((q) => q.id), fence.body.id])
      expect(got.map((m) => m.data)).toEqual(expected.map((q) => q.data))
      expect(got.map((m) => m.time)).toEqual(expected.map((q) => recorded.api.messages[q.id]!.time))
      if (expected.length === 0) continue
      // The receipt travels after the acknowledgements on the same connection: by its answer,
      // the console has taken every acknowledgement before it.
      const last = expected[expected.length - 1]!.id
      const answer = await peer.socket
        .timeout(5000)
        .emitWithAck('report', { id: last, status: 'read' })
      expect(answer).toEqual({ ok: true, data: null })
      for (const q of expected) {
        const status = await get<MessageStatus>(s, `/api/messages/${q.id}`)
        expect(status.recipients, q.id).toEqual([
          expect.objectContaining({ uid: c.uid, state: 'delivered' })
        ])
      }
    }
  })
})
