import { spawn } from 'node:child_process'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { tempDirs } from '../support/temp-dir'

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

describe('npm start without a usable Electron runtime', () => {
  it('says so in one line, runs the console headless, and stops cleanly', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:9/' } // any download fails at once
    delete env.DISPLAY
    delete env.WAYLAND_DISPLAY
    const start = join(__dirname, '../../scripts/start.mjs')
    const args = [
      '--no-build',
      '--host',
      '127.0.0.1',
      '--ingest-port',
      '0',
      '--web-port',
      '0',
      '--data-dir',
      await dirs.make(),
      '--log-level',
      'warn'
    ]
    const proc = spawn(process.execPath, [start, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    let err = ''
    proc.stdout.setEncoding('utf8').on('data', (t: string) => (out += t))
    proc.stderr.setEncoding('utf8').on('data', (t: string) => (err += t))
    const exited = new Promise((resolve) => proc.on('exit', resolve))
    const deadline = Date.now() + 20_000
    while (!/^open: /m.test(out) && Date.now() < deadline && proc.exitCode === null)
      await new Promise((r) => setTimeout(r, 25))

    const lines = out.split('\n')
    expect(lines[0]).toMatch(/^Lookout: .+, so the console runs headless/)
    expect(lines[1]).toBe('Lookout console running')
    expect(out).toMatch(/^ingest: 127\.0\.0\.1:\d+$/m)
    expect(err).not.toMatch(/\n\s+at /) // no stack trace
    proc.kill('SIGTERM')
    expect(await exited).toBe(0)
  })
})
