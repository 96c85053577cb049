import { spawnSync } from 'node:child_process'
import { request } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import {
  CLI,
  runCli,
  serveArgs,
  spawnCaptured,
  startServe,
  type ServeProcess
} from '../../support/cli-process'
import { LineClient } from '../../support/line-client'
import { tempDirs } from '../../support/temp-dir'

const dirs = tempDirs()
const running: ServeProcess[] = []

async function serve(
  dataDir: string,
  extra: string[] = [],
  env: NodeJS.ProcessEnv = {}
): Promise<ServeProcess> {
  const s = await startServe(dataDir, extra, env)
  running.push(s)
  return s
}

afterEach(async () => {
  for (const s of running.splice(0)) {
    if (s.proc.exitCode === null && s.proc.signalCode === null) {
      s.proc.kill('SIGKILL')
      await s.exited
    }
  }
  await dirs.cleanup()
})

async function api(s: ServeProcess, path: string, key: string): Promise<any> {
  const res = await fetch(`http://127.0.0.1:${s.webPort}${path}`, {
    headers: { authorization: `Bearer ${key}` }
  })
  return res.json()
}

const keyOf = (s: ServeProcess): string => new URL(s.url).searchParams.get('key')!

describe('lookout CLI', () => {
  it.each([[['--help']], [['serve', '--help']], [['simulate', '--help']]])(
    'prints help for %j and exits 0',
    (args) => {
      const { status, stdout } = runCli(args)
      expect(status).toBe(0)
      expect(stdout).toMatch(/Usage: lookout/)
    }
  )

  it('runs as `npx lookout` from the project after the build', () => {
    const result = spawnSync('npx', ['--no-install', 'lookout', '--version'], {
      cwd: join(__dirname, '../../..'),
      encoding: 'utf8',
      timeout: 60_000
    })
    expect(result.status).toBe(0)
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
  })

  it('documents each serve option with its LOOKOUT_ environment variable', () => {
    const { stdout } = runCli(['serve', '--help'])
    for (const v of [
      'LOOKOUT_HOST',
      'LOOKOUT_INGEST_PORT',
      'LOOKOUT_WEB_PORT',
      'LOOKOUT_DATA_DIR',
      'LOOKOUT_KEY',
      'LOOKOUT_ALLOWED_HOSTS'
    ])
      expect(stdout).toContain(v)
  })

  it.each([
    [['serve', '--bogus'], /unknown option '--bogus'/],
    [['serve', '--ingest-port', '70000'], /--ingest-port.*port from 0 to 65535/],
    [['serve', '--web-port', 'abc'], /--web-port/],
    [['simulate', '--devices', '0'], /--devices/],
    [['simulate', '--rate', '-1'], /--rate/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['serve', '--key', 'short'], /access key must be at least 16/]
  ])('rejects %j with one line and exit code 2', (args, message) => {
    const { status, stderr } = runCli(args)
    expect(status).toBe(2)
    expect(stderr.trim().split('\n')).toHaveLength(1)
    expect(stderr).toMatch(message)
  })

  it('rejects a bad value given by environment variable', () => {
    const { status, stderr } = runCli(['serve'], { LOOKOUT_WEB_PORT: 'x' })
    expect(status).toBe(2)
    expect(stderr).toMatch(/LOOKOUT_WEB_PORT|--web-port/)
  })

  it('prints where it listens and the URL with a generated key, kept owner-only and reused on restart', async () => {
    const dataDir = await dirs.make()
    const first = await serve(dataDir)
    expect(first.stdout()).toMatch(/^ingest: 127\.0\.0\.1:\d+$/m)
    expect(first.stdout()).toMatch(/^web: http:\/\/127\.0\.0\.1:\d+$/m)
    const key = keyOf(first)
    expect(key.length).toBeGreaterThanOrEqual(22) // ≥ 128 bits in base64url
    expect((await readFile(join(dataDir, 'access.key'), 'utf8')).trim()).toBe(key)
    expect((await stat(join(dataDir, 'access.key'))).mode & 0o777).toBe(0o600)
    expect(first.stderr()).not.toContain(key)
    first.proc.kill('SIGTERM')
    expect(await first.exited).toBe(0)

    const second = await serve(dataDir)
    expect(keyOf(second)).toBe(key)
  })

  it('takes settings from LOOKOUT_ environment variables, and --key over the saved key', async () => {
    const dataDir = await dirs.make()
    const s = await serve(dataDir, ['--key', 'operator-key-0123456789'], {
      LOOKOUT_MAX_LINE_BYTES: '300'
    })
    expect(keyOf(s)).toBe('operator-key-0123456789')
    const c = await LineClient.connect(s.ingestPort)
    c.write(`{"device":"x","seq":1,"pad":"${'p'.repeat(400)}"}\n`)
    expect((await c.waitForReplies(1))[0]).toMatchObject({ error: 'too_large' })
    c.close()
  })

  it('answers only to its own names and the --allowed-hosts ones (LOOKOUT_ALLOWED_HOSTS)', async () => {
    const s = await serve(await dirs.make(), [], {
      LOOKOUT_ALLOWED_HOSTS: 'lookout.plant, proxy.lan'
    })
    const status = (host: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: s.webPort, path: '/healthz', headers: { host } },
          (res) => {
            res.resume()
            resolve(res.statusCode!)
          }
        )
        req.on('error', reject)
        req.end()
      })
    expect(await status(`lookout.plant:${s.webPort}`)).toBe(200)
    expect(await status('proxy.lan')).toBe(200)
    expect(await status(`127.0.0.1:${s.webPort}`)).toBe(200)
    expect(await status(`evil.test:${s.webPort}`)).toBe(421)
    const bad = runCli(['serve', '--allowed-hosts', 'http://x:80'])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/allowedHosts.*host name or an IP address/)
  })

  it('stores what devices send and serves it back, and on SIGTERM flushes and exits 0', async () => {
    const dataDir = await dirs.make()
    const s = await serve(dataDir)
    const c = await LineClient.connect(s.ingestPort)
    c.send({ device: 'boiler', seq: 1, temp: 71.5 }, { device: 'boiler', temp: 72 }) // the second: fire-and-forget
    await c.waitForReplies(1)
    c.close()
    s.proc.kill('SIGTERM')
    expect(await s.exited).toBe(0)

    const again = await serve(dataDir)
    const reports = await api(again, '/api/reports?device=boiler', keyOf(again))
    expect(reports.map((r: { temp: number }) => r.temp)).toEqual([72, 71.5])
    expect(await api(again, '/api/devices', keyOf(again))).toEqual([
      expect.objectContaining({ id: 'boiler', reports: 2 })
    ])
  })

  it('keeps every acked report through kill -9, and stores each once when the device re-sends', async () => {
    const dataDir = await dirs.make()
    const s = await serve(dataDir)
    const c = await LineClient.connect(s.ingestPort)
    const total = 20_000
    const base = Date.now() * 1000
    for (let i = 0; i < total; i += 500) {
      c.write(
        Array.from(
          { length: 500 },
          (_, j) => JSON.stringify({ device: 'crash', seq: base + i + j, v: i + j }) + '\n'
        ).join('')
      )
    }
    await c.waitForReplies(3000, 15_000) // mid-stream: kill as acks are flowing
    s.proc.kill('SIGKILL')
    await s.exited
    const acked = c.replies.filter((r) => 'ack' in r).map((r) => r.ack as number)
    c.close()
    expect(acked.length).toBeGreaterThanOrEqual(3000)

    const again = await serve(dataDir)
    const key = keyOf(again)
    const stored = (await api(again, `/api/reports?device=crash&limit=10000`, key)) as Array<{
      seq: number
    }>
    const seqs = new Set(stored.map((r) => r.seq))
    expect(acked.filter((seq) => !seqs.has(seq))).toEqual([]) // nothing acked is lost

    // The device re-sends everything it has no ack for, plus a few it has (as after a reconnect).
    const unacked = new Set(acked)
    const resend = Array.from({ length: total }, (_, i) => base + i).filter(
      (seq) => !unacked.has(seq) || seq < base + 100
    )
    const c2 = await LineClient.connect(again.ingestPort)
    c2.write(
      resend.map((seq) => JSON.stringify({ device: 'crash', seq, v: seq - base }) + '\n').join('')
    )
    await c2.waitForReplies(resend.length, 20_000)
    c2.close()
    // Every seq was sent at least once, none may be stored twice: exactly `total` kept.
    const devices = await api(again, '/api/devices', key)
    expect(devices).toEqual([expect.objectContaining({ id: 'crash', reports: total })])
  })

  it('applies --max-connections: a connection over it is told why and closed', async () => {
    const s = await serve(await dirs.make(), ['--max-connections', '1'])
    const first = await LineClient.connect(s.ingestPort)
    await new Promise((r) => setTimeout(r, 50))
    const second = await LineClient.connect(s.ingestPort)
    expect((await second.waitForReplies(1))[0]).toMatchObject({
      error: 'unavailable',
      message: expect.stringMatching(/at most 1 device connections/)
    })
    first.close()
    second.close()
  })

  it('says in one line which port is taken, and exits 1', async () => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r))
    const port = (blocker.address() as { port: number }).port
    const dataDir = await dirs.make()
    const { status, stderr } = runCli([
      ...serveArgs(dataDir, 'silent'),
      '--ingest-port',
      String(port)
    ])
    blocker.close()
    expect(status).toBe(1)
    expect(stderr.trim().split('\n')).toHaveLength(1)
    expect(stderr).toMatch(new RegExp(`ingest port ${port} .*already in use`))
  })

  it('refuses a second console on the same data dir, naming the first, until the first is gone', async () => {
    const dataDir = await dirs.make()
    const first = await serve(dataDir)
    const second = runCli(serveArgs(dataDir, 'silent'))
    expect(second.status).toBe(1)
    expect(second.stderr.trim().split('\n')).toHaveLength(1)
    expect(second.stderr).toContain(`in use by another Lookout (pid ${first.proc.pid})`)

    first.proc.kill('SIGKILL') // no clean release: the lock must not outlive its holder
    await first.exited
    const third = await serve(dataDir)
    expect(third.stdout()).toMatch(/^ingest: /m)
  })

  it('simulate drives devices that the console stores, each acked', async () => {
    const dataDir = await dirs.make()
    const s = await serve(dataDir)
    const sim = spawnCaptured(process.execPath, [
      CLI,
      'simulate',
      '--port',
      String(s.ingestPort),
      '--devices',
      '3',
      '--rate',
      '20',
      '--duration',
      '2'
    ])
    expect(await sim.exited).toBe(0)
    const out = sim.stdout()
    const [, sent, acked] = /sent (\d+), acked (\d+), rejected 0, unacked 0/.exec(out) ?? []
    expect(Number(sent)).toBeGreaterThanOrEqual(90)
    expect(acked).toBe(sent)
    const devices = (await api(s, '/api/devices', keyOf(s))) as Array<{
      id: string
      reports: number
    }>
    expect(devices.map((d) => d.id)).toEqual(['sim-1', 'sim-2', 'sim-3'])
    expect(devices.reduce((n, d) => n + d.reports, 0)).toBe(Number(sent))
    const [latest] = await api(s, '/api/reports?device=sim-1&limit=1', keyOf(s))
    expect(latest).toMatchObject({
      temperature: expect.any(Number),
      pressure: expect.any(Number),
      rpm: expect.any(Number),
      status: expect.stringMatching(/ok|warn|alarm/)
    })
  })
})
