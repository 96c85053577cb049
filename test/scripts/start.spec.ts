import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { serveArgs, spawnCaptured } from '../support/cli-process'
import { tempDirs } from '../support/temp-dir'

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

describe('npm start without a usable Electron runtime', () => {
  it('says so in one line, runs the console headless, and stops cleanly', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:9/' } // any download fails at once
    delete env.DISPLAY
    delete env.WAYLAND_DISPLAY
    const start = join(__dirname, '../../scripts/start.mjs')
    // start.mjs passes its arguments to `lookout serve`, less the leading 'serve'.
    const args = ['--no-build', ...serveArgs(await dirs.make()).slice(1)]
    const started = spawnCaptured(process.execPath, [start, ...args], env)
    await started.waitForStdout(/^open: /m, 20_000)
    const out = started.stdout()

    const lines = out.split('\n')
    expect(lines[0]).toMatch(/^Lookout: .+, so the console runs headless/)
    expect(lines[1]).toBe('Lookout console running')
    expect(out).toMatch(/^ingest: 127\.0\.0\.1:\d+$/m)
    expect(started.stderr()).not.toMatch(/\n\s+at /) // no stack trace
    // The same UI as the desktop window's, served to a browser at the `open:` address.
    const page = await fetch(/^open: (.*)$/m.exec(out)![1]!)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<div id="root"></div>')
    started.proc.kill('SIGTERM')
    expect(await started.exited).toBe(0)
  })
})
