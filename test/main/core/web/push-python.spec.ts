import { type ChildProcess } from 'node:child_process'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { api, eventually, startConsole, type RunningConsole } from '../../../support/console'
import { spawnCaptured } from '../../../support/cli-process'
import { PYTHON, pythonSocketioAvailable } from '../../../support/python-socketio'
import { tempDirs } from '../../../support/temp-dir'

const available = pythonSocketioAvailable()

const dirs = tempDirs()
let running: RunningConsole | null = null
let python: ChildProcess | null = null
afterEach(async () => {
  python?.kill('SIGKILL')
  python = null
  await running?.stop()
  running = null
  await dirs.cleanup()
})

describe('a push client nobody here wrote (python3-socketio)', () => {
  it.skipIf(!available)(
    'registers, receives a broadcast and a point-to-point message, and sends receipts',
    async () => {
      const c = await startConsole(await dirs.make())
      running = c
      const py = spawnCaptured(PYTHON, [
        join(__dirname, '../../../support/python/push_client.py'),
        c.base,
        '2',
        'py-1'
      ])
      python = py.proc
      await py.waitForStdout(/"event": "registered"/, 15_000)
      const lines = (): Array<Record<string, any>> =>
        py
          .stdout()
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l))
      const registered = lines().find((l) => l.event === 'registered')!
      expect(registered.answer).toEqual({ ok: true, data: { token: expect.any(String) } })
      await eventually(() => lines().some((l) => l.event === '_register'), 'the _register event')
      expect(lines().find((l) => l.event === '_register')!.token).toBe(registered.answer.data.token)

      const broadcast = await api(c, '/api/messages', {
        method: 'POST',
        body: JSON.stringify({ data: { alarm: 'boiler 2 high' } })
      })
      const direct = await api(c, '/api/messages', {
        method: 'POST',
        body: JSON.stringify({ to: 'py-1', data: 'just you' })
      })
      expect(broadcast.body.recipients).toEqual(['py-1'])
      expect(await py.exited).toBe(0)

      const messages = lines()
        .filter((l) => l.event === 'message')
        .map((l) => l.message)
      expect(messages).toEqual([
        {
          id: broadcast.body.id,
          data: { alarm: 'boiler 2 high' },
          broadcast: true,
          time: expect.any(Number)
        },
        { id: direct.body.id, data: 'just you', broadcast: false, time: expect.any(Number) }
      ])
      expect(
        lines()
          .filter((l) => l.event === 'receipt')
          .map((l) => l.answer)
      ).toEqual([
        { ok: true, data: null },
        { ok: true, data: null }
      ])
      for (const id of [broadcast.body.id, direct.body.id]) {
        const { body } = await api(c, `/api/messages/${id}`)
        expect(body.recipients).toEqual([
          {
            uid: 'py-1',
            state: 'delivered',
            sentAt: expect.any(Number),
            deliveredAt: expect.any(Number),
            receipt: { status: 'read', time: expect.any(Number) }
          }
        ])
      }
    }
  )

  it.skipIf(!available)(
    'is refused when it claims another Host, and may register only a handful of uids on one connection',
    async () => {
      const c = await startConsole(await dirs.make())
      running = c
      const py = spawnCaptured(PYTHON, [
        join(__dirname, '../../../support/python/push_bounds.py'),
        c.base,
        `evil.test:${c.addresses.web.port}`
      ])
      python = py.proc
      expect(await py.exited).toBe(0)
      const lines = py
        .stdout()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, any>)
      expect(lines[0]).toMatchObject({ step: 'rebound', connected: false })
      expect(lines[0]!.error).toMatch(/421/)
      const answers = lines.filter((l) => l.step === 'register').map((l) => l.answer)
      expect(answers.map((a) => a.ok)).toEqual([true, true, true, true, false, false])
      expect(answers[4].error.code).toBe('too_many_uids')
    }
  )
})
