import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { spawnCaptured, type CapturedProcess } from '../../../../support/cli-process'
import { api, consoleFixture, type RunningConsole } from '../../../../support/console'
import { pythonPahoAvailable } from '../../../../support/mqtt'
import { PYTHON } from '../../../../support/python-socketio'

const available = pythonPahoAvailable()
const SCRIPT = join(__dirname, '../../../../support/python/mqtt_device.py')

const consoles = consoleFixture()
let device: CapturedProcess | null = null
afterEach(async () => {
  device?.proc.kill('SIGKILL')
  device = null
  await consoles.cleanup()
})

async function start(): Promise<{ c: RunningConsole; port: number }> {
  const c = await consoles.start({ mqttPort: 0 })
  return { c, port: c.addresses.transports.find((t) => t.protocol === 'mqtt')!.port }
}

function run(port: number, username: string, password: string, id: string): CapturedProcess {
  device = spawnCaptured(PYTHON, [SCRIPT, String(port), username, password, id])
  return device
}

function events(p: CapturedProcess): Array<Record<string, any>> {
  return p
    .stdout()
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, any>)
}

describe('a device nobody here wrote (python3-paho-mqtt)', () => {
  it.skipIf(!available)(
    'logs in with a device token, gets each QoS 1 report acknowledged once stored, and reads the refusal of bad JSON',
    async () => {
      const { c, port } = await start()
      const made = await api(c, '/api/device-tokens', {
        method: 'POST',
        body: JSON.stringify({ identity: 'line-7', devices: ['boiler-*'] })
      })
      const py = run(port, 'boiler-2', made.body.token as string, 'boiler-2')
      await py.waitForStdout(/"puback"/)
      // Acknowledged, so already stored: the API has it the moment the device has its PUBACK.
      const first = (await api(c, '/api/reports?device=boiler-2')).body as Array<
        Record<string, any>
      >
      expect(first.some((r) => r.temp === 21.5)).toBe(true)
      expect(await py.exited).toBe(0)

      const seen = events(py)
      expect(seen[0]).toEqual({ event: 'connack', rc: 0 })
      expect(seen.find((e) => e.event === 'suback')).toEqual({ event: 'suback', granted: [1] })
      const pubacks = seen.filter((e) => e.event === 'puback').map((e) => e.mid as number)
      expect(pubacks).toHaveLength(3)
      expect([...pubacks].sort((a, b) => a - b)).toEqual(pubacks)
      const error = seen.find((e) => e.event === 'message')!
      expect(error.topic).toBe('lookout/boiler-2/error')
      expect(JSON.parse(error.payload)).toMatchObject({ error: 'bad_json' })

      const stored = (await api(c, '/api/reports?device=boiler-2')).body as Array<
        Record<string, any>
      >
      expect(stored.map(({ temp, rpm, identity, seq }) => ({ temp, rpm, identity, seq }))).toEqual([
        { temp: undefined, rpm: 1200, identity: 'line-7', seq: undefined },
        { temp: 21.5, rpm: undefined, identity: 'line-7', seq: 1 }
      ])
    }
  )

  it.skipIf(!available)(
    'is refused at CONNECT when tokens are required: no password (5), a wrong one (4)',
    async () => {
      const { c, port } = await start()
      await api(c, '/api/device-tokens/required', {
        method: 'PUT',
        body: JSON.stringify({ required: true })
      })
      const none = run(port, 'boiler-2', '-', 'boiler-2')
      expect(await none.exited).toBe(0)
      expect(events(none)).toEqual([{ event: 'connack', rc: 5 }])
      const wrong = run(port, 'boiler-2', 'not-a-token-at-all', 'boiler-2')
      expect(await wrong.exited).toBe(0)
      expect(events(wrong)).toEqual([{ event: 'connack', rc: 4 }])
      expect((await api(c, '/api/reports?device=boiler-2')).body).toEqual([])
    }
  )
})
