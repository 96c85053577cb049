import { afterEach, describe, expect, it } from 'vitest'

import { spawnCaptured, type CapturedProcess } from '../../../../support/cli-process'
import { api, consoleFixture, type RunningConsole } from '../../../../support/console'
import { mosquittoClientsAvailable } from '../../../../support/mqtt'

const available = mosquittoClientsAvailable()

const consoles = consoleFixture()
const running: CapturedProcess[] = []
afterEach(async () => {
  for (const p of running.splice(0)) p.proc.kill('SIGKILL')
  await consoles.cleanup()
})

async function start(): Promise<{ c: RunningConsole; port: number; token: string }> {
  const c = await consoles.start({ mqttPort: 0 })
  const made = await api(c, '/api/device-tokens', {
    method: 'POST',
    body: JSON.stringify({ identity: 'line-7', devices: ['plc-*'] })
  })
  const port = c.addresses.transports.find((t) => t.protocol === 'mqtt')!.port
  return { c, port, token: made.body.token as string }
}

/** A Debian MQTT client, run as docs/sources.md shows it (against 127.0.0.1). */
function mosquitto(tool: 'mosquitto_pub' | 'mosquitto_sub', port: number, args: string[]) {
  // Line-buffered (coreutils' stdbuf): piped, mosquitto_sub would hold its SUBACK line back.
  const p = spawnCaptured('stdbuf', ['-oL', tool, '-h', '127.0.0.1', '-p', String(port), ...args])
  running.push(p)
  return p
}

async function reportsOf(c: RunningConsole, device: string): Promise<Array<Record<string, any>>> {
  return (await api(c, `/api/reports?device=${device}`)).body as Array<Record<string, any>>
}

describe('devices nobody here wrote (Debian mosquitto-clients), as docs/sources.md shows them', () => {
  it.skipIf(!available)(
    'store what mosquitto_pub sends at QoS 1 before it exits, and read the refusal of bad JSON with mosquitto_sub',
    async () => {
      const { c, port, token } = await start()
      const login = ['-u', 'plc-1', '-P', token]
      const errors = mosquitto('mosquitto_sub', port, [
        ...[...login, '-t', 'lookout/plc-1/error'],
        ...['-C', '1', '-W', '20', '-d']
      ])
      const publish = (topic: string, message: string) =>
        mosquitto('mosquitto_pub', port, [...login, '-q', '1', '-t', topic, '-m', message]).exited
      await errors.waitForStdout(/SUBACK/)

      expect(await publish('lookout/plc-1', '{"temp": 21.5, "status": "ok"}')).toBe(0)
      // mosquitto_pub exits once it has its PUBACK, and the PUBACK waits for the store.
      expect(await reportsOf(c, 'plc-1')).toMatchObject([
        { device: 'plc-1', identity: 'line-7', temp: 21.5, status: 'ok' }
      ])

      expect(await publish('lookout/plc-1/rpm', '1200')).toBe(0)
      expect((await reportsOf(c, 'plc-1'))[0]).toMatchObject({ device: 'plc-1', rpm: 1200 })

      expect(await publish('lookout/plc-1', '{"temp": ')).toBe(0)
      expect(await errors.exited).toBe(0)
      const reply = errors
        .stdout()
        .split('\n')
        .find((line) => line.startsWith('{'))
      expect(JSON.parse(reply!)).toMatchObject({ error: 'bad_json' })
      expect(await reportsOf(c, 'plc-1')).toHaveLength(2)
    }
  )

  it.skipIf(!available)('are refused with a wrong password, and nothing is stored', async () => {
    const { c, port } = await start()
    const pub = mosquitto('mosquitto_pub', port, [
      ...['-u', 'plc-1', '-P', 'not-a-token', '-q', '1'],
      ...['-t', 'lookout/plc-1', '-m', '{"temp": 1}']
    ])
    expect(await pub.exited).not.toBe(0)
    expect(pub.stderr() + pub.stdout()).toMatch(/bad user name or password|not authori[sz]ed/i)
    expect(await reportsOf(c, 'plc-1')).toEqual([])
  })
})
