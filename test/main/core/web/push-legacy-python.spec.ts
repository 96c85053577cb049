import { type ChildProcess } from 'node:child_process'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import type { Alarm, AlarmEvent } from '../../../../src/shared/alarm-types'
import { spawnCaptured } from '../../../support/cli-process'
import { api, eventually, startConsole, type RunningConsole } from '../../../support/console'
import { LineClient } from '../../../support/line-client'
import { PYTHON, pythonSocketioAvailable } from '../../../support/python-socketio'
import { tempDirs } from '../../../support/temp-dir'

const available = pythonSocketioAvailable()

const dirs = tempDirs()
let running: RunningConsole | null = null
const closers: Array<() => unknown> = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
  await running?.stop()
  running = null
  await dirs.cleanup()
})

const UID = 'old-phone-1'
const BOILER = {
  id: 'boiler-hot',
  name: 'boiler too hot',
  devices: 'plc-a*',
  field: 'temp',
  above: 80,
  severity: 'critical',
  notify: [UID]
}

describe('an Android-era push client (python3-socketio, the old protocol)', () => {
  it.skipIf(!available)(
    'registers with { data }, gets broadcasts and its own messages on its token event, and its bare receipts are recorded and ack an alarm',
    async () => {
      const c = await startConsole(await dirs.make())
      running = c
      const py = spawnCaptured(PYTHON, [
        join(__dirname, '../../../support/python/legacy_push_client.py'),
        c.base,
        UID,
        '4'
      ])
      const proc: ChildProcess = py.proc
      closers.push(() => proc.kill('SIGKILL'))
      const lines = (): Array<Record<string, any>> =>
        py
          .stdout()
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l))
      await py.waitForStdout(/"event": "_register"/, 15_000)
      const token = lines().find((l) => l.event === '_register')!.token as string
      const clients = (await api(c, '/api/clients')).body as Array<{ uid: string; online: boolean }>
      expect(clients).toMatchObject([{ uid: UID, online: true }])

      const receiptOf = async (id: string) =>
        (await api(c, `/api/messages/${id}`)).body.recipients[0]?.receipt?.status
      // One at a time: a receipt without an id is about the last message the client was sent.
      const broadcast = await api(c, '/api/messages', {
        method: 'POST',
        body: JSON.stringify({ data: { note: 'shift change at 6' } })
      })
      expect(broadcast.body.recipients).toEqual([UID])
      await eventually(
        async () => (await receiptOf(broadcast.body.id)) === 'delivered',
        'receipt 1'
      )
      const direct = await api(c, '/api/messages', {
        method: 'POST',
        body: JSON.stringify({ to: UID, data: 'just you' })
      })
      await eventually(async () => (await receiptOf(direct.body.id)) === 'delivered', 'receipt 2')
      const byToken = await api(c, '/api/messages', {
        method: 'POST',
        body: JSON.stringify({ to: token, data: 'by token' })
      })
      expect(byToken.body.recipients).toEqual([UID])

      // An alarm rule that notifies this phone: it answers the raised message with a bare `ack`.
      expect(
        (await api(c, '/api/alarm-rules', { method: 'POST', body: JSON.stringify(BOILER) })).status
      ).toBe(201)
      await eventually(async () => (await receiptOf(byToken.body.id)) === 'delivered', 'receipt 3')
      const device = await LineClient.connect(c.addresses.ingest.port)
      closers.push(() => device.close())
      device.send({ device: 'plc-a1', seq: 1, temp: 97 })
      await device.waitForReplies(1)
      expect(await py.exited).toBe(0)

      const alarm = async (): Promise<Alarm | undefined> =>
        ((await api(c, '/api/alarms')).body as Alarm[]).find((a) => a.device === 'plc-a1')
      await eventually(async () => (await alarm())?.state === 'active-acked', 'the alarm acked')
      expect(await alarm()).toMatchObject({ rule: 'boiler-hot', ackedBy: UID })
      const trail = (await api(c, '/api/alarm-events?rule=boiler-hot')).body as AlarmEvent[]
      expect(trail.find((e) => e.type === 'acked')).toMatchObject({ by: UID, via: 'push' })

      // What the phone saw: its own messages on its token event, the broadcast on `message`.
      const got = lines()
      const on = (event: string) => got.filter((l) => l.event === event).map((l) => l.message)
      const raised = on('token').find((m) => m.data?.type === 'alarm')
      expect(on('token').map((m) => m.id)).toEqual([direct.body.id, byToken.body.id, raised.id])
      expect(on('token')[0]).toEqual({
        id: direct.body.id,
        data: 'just you',
        broadcast: false,
        time: expect.any(Number)
      })
      expect(on('message').filter((m) => m.broadcast)).toEqual([
        {
          id: broadcast.body.id,
          data: { note: 'shift change at 6' },
          broadcast: true,
          time: expect.any(Number)
        }
      ])
      expect(got.filter((l) => l.event === 'reporter').map((l) => l.status)).toEqual([
        'delivered',
        'delivered',
        'delivered',
        'ack'
      ])
      const ledger = (await api(c, `/api/messages/${raised.id}`)).body.recipients[0]
      expect(ledger).toMatchObject({ uid: UID, state: 'delivered', receipt: { status: 'ack' } })
    },
    60_000
  )
})
