import { join } from 'node:path'

import { io, type Socket } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'

import type { Alarm, AlarmEvent } from '../../../../src/shared/alarm-types'
import type {
  LiveClientToServerEvents,
  LiveServerToClientEvents
} from '../../../../src/shared/live-events'
import {
  serveRequest,
  spawnCaptured,
  startServe,
  type CapturedProcess,
  type ServeProcess
} from '../../../support/cli-process'
import { eventually } from '../../../support/console'
import { LineClient } from '../../../support/line-client'
import { PYTHON, pythonSocketioAvailable } from '../../../support/python-socketio'
import { tempDirs } from '../../../support/temp-dir'

const available = pythonSocketioAvailable()
const dirs = tempDirs()
const closers: Array<() => unknown> = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
  await dirs.cleanup()
})

const BOILER = {
  id: 'boiler-hot',
  name: 'boiler too hot',
  devices: 'plc-a*',
  field: 'temp',
  above: 80,
  deadband: 5,
  severity: 'critical',
  notify: ['phone-1']
}

async function serve(dataDir: string): Promise<ServeProcess> {
  const s = await startServe(dataDir)
  closers.push(async () => {
    s.proc.kill('SIGKILL')
    await s.exited
  })
  return s
}

/** A `/live` viewer with the view key, keeping every alarm it was sent, latest per id. */
function alarmViewer(s: ServeProcess): { alarms: Map<string, Alarm> } {
  const viewKey = /^view: .*[?&]key=([^&\s]+)$/m.exec(s.stdout())![1]!
  const socket: Socket<LiveServerToClientEvents, LiveClientToServerEvents> = io(
    `http://127.0.0.1:${s.webPort}/live`,
    { auth: { key: decodeURIComponent(viewKey) }, transports: ['websocket'], reconnection: false }
  )
  closers.push(() => socket.close())
  const alarms = new Map<string, Alarm>()
  socket.on('alarms', (changed) => {
    for (const alarm of changed) alarms.set(alarm.id, alarm)
  })
  return { alarms }
}

function jsonLines(p: CapturedProcess): Array<Record<string, any>> {
  return p
    .stdout()
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
}

describe('alarms end to end, against `lookout serve`', () => {
  it.skipIf(!available)(
    'a device crosses a limit → a viewer sees the alarm → the phone acks it → the audit trail has it all',
    async () => {
      const s = await serve(await dirs.make())
      const created = await serveRequest(s, '/api/alarm-rules', { method: 'POST', body: BOILER })
      expect(created.status).toBe(201)

      const phone = spawnCaptured(PYTHON, [
        join(__dirname, '../../../support/python/oncall_phone.py'),
        `http://127.0.0.1:${s.webPort}`,
        '2',
        'phone-1'
      ])
      closers.push(() => phone.proc.kill('SIGKILL'))
      await phone.waitForStdout(/"event": "registered"/, 15_000)
      const viewer = alarmViewer(s)

      const device = await LineClient.connect(s.ingestPort)
      closers.push(() => device.close())
      device.send({ device: 'plc-a1', seq: 1, temp: 70 }, { device: 'plc-a1', seq: 2, temp: 97 })
      await device.waitForReplies(2)

      const seen = (state: string): boolean =>
        [...viewer.alarms.values()].some((a) => a.device === 'plc-a1' && a.state === state)
      await eventually(() => seen('active-unacked') || seen('active-acked'), 'the raised alarm')
      // The phone acknowledges the message it was sent: the alarm is acked by its uid.
      await eventually(() => seen('active-acked'), 'the phone acknowledgement', 15_000)
      const acked = [...viewer.alarms.values()].find((a) => a.device === 'plc-a1')!
      expect(acked).toMatchObject({
        rule: 'boiler-hot',
        severity: 'critical',
        value: 97,
        ackedBy: 'phone-1',
        comment: 'on my way'
      })

      // Back inside the deadband it holds; past it, it clears: the phone is told.
      device.send({ device: 'plc-a1', seq: 3, temp: 78 }, { device: 'plc-a1', seq: 4, temp: 74 })
      await device.waitForReplies(4)
      expect(await phone.exited).toBe(0)
      await eventually(() => seen('normal'), 'the cleared alarm')

      const phoneSaw = jsonLines(phone).filter((l) => l.event === 'alarm')
      expect(phoneSaw.map((l) => l.message.data.event)).toEqual(['raised', 'cleared'])
      expect(phoneSaw[0]!.message.data).toMatchObject({
        type: 'alarm',
        alarms: [acked.id],
        severity: 'critical'
      })
      const ackAnswer = jsonLines(phone).find((l) => l.event === 'ack-answered')
      expect(ackAnswer?.answer).toEqual({ ok: true, data: null })
      // The delivery ledger shows the receipt.
      const ledger = await serveRequest(s, `/api/messages/${phoneSaw[0]!.message.id}`)
      expect(ledger.body.recipients[0]).toMatchObject({
        uid: 'phone-1',
        state: 'delivered',
        receipt: { status: 'ack' }
      })

      const trail = await serveRequest(s, '/api/alarm-events?rule=boiler-hot')
      expect(trail.status).toBe(200)
      const events = trail.body as AlarmEvent[]
      expect(events.map((e) => e.type)).toEqual([
        'rule-created',
        'raised',
        'notified',
        'acked',
        'cleared',
        'notified'
      ])
      expect(events.find((e) => e.type === 'acked')).toMatchObject({
        alarm: acked.id,
        by: 'phone-1',
        via: 'push',
        comment: 'on my way'
      })
      const csv = await fetch(
        `http://127.0.0.1:${s.webPort}/api/alarm-events?rule=boiler-hot&format=csv`,
        { headers: { authorization: `Bearer ${new URL(s.url).searchParams.get('key')}` } }
      )
      expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename=".*\.csv"/)
      const rows = (await csv.text()).trim().split('\n')
      expect(rows).toHaveLength(events.length + 1)
      expect(rows.find((r) => r.includes(',acked,'))).toContain('on my way')
    },
    60_000
  )

  it('brings acked and shelved alarms back as they were after kill -9', async () => {
    const dataDir = await dirs.make()
    const first = await serve(dataDir)
    await serveRequest(first, '/api/alarm-rules', {
      method: 'POST',
      body: { ...BOILER, notify: undefined }
    })
    const device = await LineClient.connect(first.ingestPort)
    device.send({ device: 'plc-a1', seq: 1, temp: 91 }, { device: 'plc-a2', seq: 1, temp: 95 })
    await device.waitForReplies(2)
    device.close()
    let alarms: Alarm[] = []
    await eventually(async () => {
      alarms = (await serveRequest(first, '/api/alarms')).body
      return alarms.length === 2
    }, 'two alarms')
    const id = (d: string): string => alarms.find((a) => a.device === d)!.id
    const ack = await serveRequest(first, `/api/alarms/${id('plc-a1')}/ack`, {
      method: 'POST',
      body: { comment: 'crew called', operator: 'ana' }
    })
    expect(ack.status).toBe(200)
    const shelve = await serveRequest(first, `/api/alarms/${id('plc-a2')}/shelve`, {
      method: 'POST',
      body: { minutes: 60, comment: 'sensor swap' }
    })
    expect(shelve.status).toBe(200)
    const before = (await serveRequest(first, '/api/alarms')).body as Alarm[]

    first.proc.kill('SIGKILL')
    await first.exited
    const second = await serve(dataDir)
    const after = (await serveRequest(second, '/api/alarms')).body as Alarm[]
    const stable = (list: Alarm[]) =>
      list
        .map(({ updatedAt: _u, currentValue: _c, ...rest }) => rest)
        .sort((a, b) => a.device.localeCompare(b.device))
    expect(stable(after)).toEqual(stable(before))
    expect(after.find((a) => a.device === 'plc-a1')).toMatchObject({
      state: 'active-acked',
      ackedBy: 'ana',
      comment: 'crew called'
    })
    expect(after.find((a) => a.device === 'plc-a2')).toMatchObject({
      state: 'shelved',
      comment: 'sensor swap',
      shelvedUntil: expect.any(Number)
    })
    // The audit trail survived too.
    const trail = (await serveRequest(second, '/api/alarm-events')).body as AlarmEvent[]
    expect(trail.map((e) => e.type)).toEqual(
      expect.arrayContaining(['rule-created', 'raised', 'acked', 'shelved'])
    )
  }, 60_000)
})
