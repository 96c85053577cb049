import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { spawnCaptured } from '../support/cli-process'
import { api, eventually, startConsole, type RunningConsole } from '../support/console'
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
