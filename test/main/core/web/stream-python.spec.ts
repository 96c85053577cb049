import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { api, consoleFixture, VIEW_KEY } from '../../../support/console'
import { spawnCaptured, type CapturedProcess } from '../../../support/cli-process'
import { LineClient } from '../../../support/line-client'
import { PYTHON, pythonWebsocketAvailable } from '../../../support/python-socketio'

const available = pythonWebsocketAvailable()
const READER = join(__dirname, '../../../support/python/stream_reader.py')

const consoles = consoleFixture()
const devices: LineClient[] = []
const pythons: CapturedProcess[] = []
afterEach(async () => {
  for (const py of pythons.splice(0)) py.proc.kill('SIGKILL')
  for (const d of devices.splice(0)) d.close()
  await consoles.cleanup()
})

const DEVICES = ['press-1', 'press-2', 'oven-1', 'oven-2']
const TOTAL = 100_000

// The issue-14 witness: a client nobody here wrote reads every report exactly once, in order,
// across a disconnect in the middle, while the reports are still coming in.
describe('/stream read by a client nobody here wrote (python3-websocket)', () => {
  it.skipIf(!available)(
    'reads 100,000 reports across a reconnect with after=: each once, in order',
    async () => {
      const c = await consoles.start()
      const since = Date.now()
      const py = spawnCaptured(PYTHON, [
        READER,
        '--port',
        String(c.addresses.web.port),
        '--key',
        VIEW_KEY,
        '--since',
        String(since),
        '--count',
        String(TOTAL),
        '--break-after',
        String(TOTAL / 2)
      ])
      pythons.push(py)
      await py.waitForStdout(/"connected"/)

      // As fast as ingest takes them: four devices, interleaved, 5,000 lines a write.
      const d = await LineClient.connect(c.addresses.ingest.port)
      devices.push(d)
      const perDevice = TOTAL / DEVICES.length
      for (let from = 1; from <= perDevice; from += 1250) {
        const lines: string[] = []
        for (let seq = from; seq < from + 1250; seq++)
          for (const device of DEVICES)
            lines.push(`{"device":"${device}","seq":${seq},"temperature":${(seq % 97) / 3}}\n`)
        d.write(lines.join(''))
        await d.waitForReplies((from - 1 + 1250) * DEVICES.length, 30_000)
      }
      const newest = (await api(c, '/api/reports?limit=1')).body[0]

      expect(await py.exited, py.stdout() + py.stderr()).toBe(0)
      const lines = py
        .stdout()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
      expect(lines.map((l) => l.event)).toEqual([
        'connected',
        'disconnected',
        'reconnected',
        'done'
      ])
      expect(lines.at(-1)).toEqual({
        event: 'done',
        reports: TOTAL,
        first: TOTAL / 2,
        second: TOTAL / 2,
        last: newest._id,
        devices: Object.fromEntries(DEVICES.map((device) => [device, perDevice])),
        repeated: 0,
        outOfOrder: 0,
        gaps: 0,
        badShape: 0,
        seconds: expect.any(Number)
      })
    },
    60_000
  )
})
