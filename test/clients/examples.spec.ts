import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { spawnCaptured } from '../support/cli-process'
import { api, eventually, startConsole, type RunningConsole } from '../support/console'
import { LineClient } from '../support/line-client'
import { tempDirs } from '../support/temp-dir'

const dirs = tempDirs()
let running: RunningConsole | null = null
afterEach(async () => {
  await running?.stop()
  running = null
  await dirs.cleanup()
})

const examples = join(__dirname, '../../examples')

describe('examples/', () => {
  it.each([
    ['node-host-reporter.mjs', process.execPath],
    ['python_host_reporter.py', 'python3']
  ])('%s reports this host’s CPU and memory', async (file, runtime) => {
    running = await startConsole(await dirs.make())
    const c = running
    const env = {
      ...process.env,
      LOOKOUT_PORT: String(c.addresses.ingest.port),
      DEVICE: `ex-${file}`,
      COUNT: '2',
      INTERVAL: '0.2'
    }
    const run = spawnCaptured(runtime, [join(examples, file)], env)
    expect(await run.exited).toBe(0)
    await eventually(
      async () => (await api(c, `/api/reports?device=ex-${file}`)).body.length === 2,
      'two reports'
    )
    const [latest] = (await api(c, `/api/reports?device=ex-${file}&limit=1`)).body
    expect(latest.cpu).toBeGreaterThanOrEqual(0)
    expect(latest.cpu).toBeLessThanOrEqual(100)
    expect(latest.memTotal).toBeGreaterThan(latest.memUsed)
    expect(latest).toHaveProperty('temperature')
    expect(latest.seq).toEqual(expect.any(Number))
  })
})

describe('examples/alarm-rules.yaml', () => {
  it('is taken by the console as it stands, and raises on what the simulator sends', async () => {
    running = await startConsole(await dirs.make(), {
      alarmRulesFile: join(examples, 'alarm-rules.yaml')
    })
    const c = running
    const rules = (await api(c, '/api/alarm-rules')).body
    expect(rules.map((r: { id: string; source: string }) => [r.id, r.source])).toEqual([
      ['sim-hot', 'file'],
      ['sim-status-alarm', 'file'],
      ['sim-silent', 'file']
    ])
    const device = await LineClient.connect(c.addresses.ingest.port)
    device.send(
      { device: 'sim-1', seq: 1, temperature: 97.5, status: 'alarm' },
      { device: 'sim-2', seq: 1, temperature: 41, status: 'ok' }
    )
    await device.waitForReplies(2)
    device.close()
    // A rule as GET lists it (with its `source`) previews as it is.
    const status = rules.find((r: { id: string }) => r.id === 'sim-status-alarm')
    const preview = await api(c, '/api/alarm-rules/preview', {
      method: 'POST',
      body: JSON.stringify(status)
    })
    expect(preview.body).toEqual({ devices: ['sim-1'], matched: 2 })
    const alarms = (await api(c, '/api/alarms')).body
    // The status alarm at once; the temperature one waits out its 5 s on-delay.
    expect(alarms.map((a: { rule: string; device: string; state: string }) => a)).toEqual([
      expect.objectContaining({
        rule: 'sim-status-alarm',
        device: 'sim-1',
        state: 'active-unacked'
      })
    ])
  })
})
