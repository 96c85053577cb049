import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { Reporter, type ReporterError } from '../../src/reporter'
import {
  serveApi,
  startServe,
  type CapturedProcess,
  type ServeProcess
} from '../support/cli-process'
import { api, eventually, startConsole, type RunningConsole } from '../support/console'
import { freePort } from '../support/free-port'
import { tempDirs } from '../support/temp-dir'

const dirs = tempDirs()
const consoles: RunningConsole[] = []
const reporters: Reporter[] = []
const processes: CapturedProcess[] = []

afterEach(async () => {
  await Promise.all(reporters.splice(0).map((r) => r.close()))
  for (const p of processes.splice(0)) p.proc.kill('SIGKILL')
  await Promise.all(consoles.splice(0).map((c) => c.stop()))
  await dirs.cleanup()
})

function reporter(
  port: number,
  options: Partial<ConstructorParameters<typeof Reporter>[0]> = {}
): Reporter {
  const r = new Reporter({
    host: '127.0.0.1',
    port,
    device: 'rtu-1',
    backoff: { initialMs: 50, maxMs: 200 },
    ...options
  })
  reporters.push(r)
  return r
}

async function consoleOn(
  port: number,
  dataDir?: string,
  config: Parameters<typeof startConsole>[1] = {}
): Promise<RunningConsole> {
  const c = await startConsole(dataDir ?? (await dirs.make()), { ingestPort: port, ...config })
  consoles.push(c)
  return c
}

async function storedSeqs(c: RunningConsole, device = 'rtu-1'): Promise<number[]> {
  return (
    (await api(c, `/api/reports?device=${device}&limit=10000`)).body as Array<{ seq: number }>
  ).map((r) => r.seq)
}

describe('Reporter (lookout/reporter)', () => {
  it('delivers reports with seq and ts, and flush() waits for their acks', async () => {
    const port = await freePort()
    const c = await consoleOn(port)
    const r = reporter(port)
    const seqs = Array.from({ length: 100 }, (_, i) => r.report({ temperature: 20 + i }))
    await r.flush(10_000)
    expect(seqs[0]).toBeGreaterThan(Date.now() * 1000 - 60_000_000) // first seq from the clock in µs
    expect(seqs.every((s, i) => i === 0 || s === seqs[i - 1]! + 1)).toBe(true)
    const stored = (await api(c, '/api/reports?device=rtu-1&limit=1')).body[0]
    expect(stored.ts).toBeGreaterThan(Date.now() - 60_000) // the device's clock, added when not given
    expect((await storedSeqs(c)).sort((a, b) => a - b)).toEqual(seqs)
    expect(r.stats).toMatchObject({ queued: 0, acked: 100, rejected: 0, dropped: 0 })
  })

  it('stores every report of a 10,000-report stream exactly once through a kill -9 and restart of the console', async () => {
    const port = await freePort()
    const dataDir = await dirs.make()
    const start = async (): Promise<ServeProcess> => {
      const p = await startServe(dataDir, ['--ingest-port', String(port)])
      processes.push(p)
      return p
    }
    const first = await start()
    const r = reporter(port)
    const seqs: number[] = []
    for (let i = 0; i < 10_000; i++) {
      seqs.push(r.report({ i }))
      if (i === 4000) {
        await eventually(() => r.stats.acked > 1000, 'some acks before the crash')
        first.proc.kill('SIGKILL')
        await first.exited
      }
      if (i === 6000) await start()
      if (i % 500 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    await r.flush(30_000)
    expect(r.stats).toMatchObject({ dropped: 0, rejected: 0, queued: 0 })
    const last = processes.at(-1) as ServeProcess
    const stored = (await serveApi(last, '/api/reports?device=rtu-1&limit=10000')) as Array<{
      seq: number
    }>
    expect(stored.map((x) => x.seq).sort((a, b) => a - b)).toEqual(seqs) // each once, none missing
    expect(await serveApi(last, '/api/devices')).toEqual([
      expect.objectContaining({ id: 'rtu-1', reports: 10_000 })
    ])
  })

  it('buffers while the console is unreachable and delivers once it is back', async () => {
    const port = await freePort()
    const r = reporter(port)
    for (let i = 0; i < 500; i++) r.report({ i })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(r.stats.queued).toBe(500)
    const c = await consoleOn(port)
    await r.flush(10_000)
    expect(await storedSeqs(c)).toHaveLength(500)
  })

  it('drops the oldest when its buffer is full, counts them, and says so', async () => {
    const port = await freePort()
    const r = reporter(port, { maxBuffer: 100 })
    const errors: ReporterError[] = []
    r.on('error', (e) => errors.push(e))
    const seqs = Array.from({ length: 150 }, (_, i) => r.report({ i }))
    expect(r.stats).toMatchObject({ queued: 100, dropped: 50 })
    expect(errors.map((e) => e.code)).toEqual(Array(50).fill('buffer_full'))
    const c = await consoleOn(port)
    await r.flush(10_000)
    expect((await storedSeqs(c)).sort((a, b) => a - b)).toEqual(seqs.slice(50))
  })

  it('reports a bad token as an error and does not retry it', async () => {
    const port = await freePort()
    const dir = await dirs.make()
    const tokens = join(dir, 'tokens.json')
    await writeFile(tokens, JSON.stringify({ 'good-token-1-abcdef': 'line-1' }))
    const c = await consoleOn(port, undefined, { deviceTokensFile: tokens })
    const r = reporter(port, { token: 'wrong-token-1' })
    const errors: ReporterError[] = []
    r.on('error', (e) => errors.push(e))
    for (let i = 0; i < 5; i++) r.report({ i })
    await r.flush(5000)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(errors.map((e) => e.code)).toEqual(Array(5).fill('unauthorized'))
    expect(r.stats).toMatchObject({ queued: 0, sent: 5, rejected: 5 })
    expect(await storedSeqs(c)).toEqual([])
  })

  it('does not throw without an error listener: the stats count what happened', async () => {
    const port = await freePort()
    await consoleOn(port)
    const r = reporter(port)
    r.report({ time: 'reserved' }) // invalid_field: rejected by the console
    await r.flush(5000)
    expect(r.stats).toMatchObject({ rejected: 1, queued: 0 })
  })

  it('refuses, at once, a report the console could never take', () => {
    const r = reporter(1)
    expect(() => r.report({ blob: 'x'.repeat(70_000) })).toThrow(RangeError)
    expect(() => r.report({ n: 10n })).toThrow(TypeError) // not JSON
    expect(r.stats.queued).toBe(0)
  })

  it('flushes what was queued before, while reports keep coming', async () => {
    const port = await freePort()
    await consoleOn(port)
    const r = reporter(port)
    for (let i = 0; i < 100; i++) r.report({ i })
    const steady = setInterval(() => r.report({ steady: true }), 1)
    try {
      await r.flush(10_000)
    } finally {
      clearInterval(steady)
    }
    expect(r.stats.acked).toBeGreaterThanOrEqual(100)
  })

  it('keeps a report the console could not store, and sends it again', async () => {
    const port = await freePort()
    const c = await consoleOn(port)
    const r = reporter(port)
    const errors: string[] = []
    r.on('error', (e) => errors.push(e.code))
    r.report({ n: 1 })
    await r.flush(5000)
    await rm(join(c.dataDir, 'reports'), { recursive: true, force: true }) // the disk fails once
    r.report({ n: 2 })
    await r.flush(10_000)
    expect(errors).toContain('unavailable')
    expect(r.stats).toMatchObject({ acked: 2, rejected: 0, queued: 0 })
    expect((await api(c, '/api/reports?device=rtu-1')).body.map((x: { n: number }) => x.n)).toEqual(
      [2]
    )
  })

  it('restores the whole lines of a buffer file a crash cut short, and sends them', async () => {
    const port = await freePort()
    const bufferPath = join(await dirs.make(), 'torn.buffer')
    const base = Date.now() * 1000
    const lines = [0, 1, 2].map((i) =>
      JSON.stringify({ device: 'rtu-1', seq: base + i, ts: Date.now(), n: i })
    )
    await writeFile(
      bufferPath,
      lines.join('\n') + '\n{"device":"rtu-1","seq":' + (base + 3) + ',"n"'
    )
    const c = await consoleOn(port)
    const r = reporter(port, { bufferPath })
    const next = r.report({ n: 4 })
    expect(next).toBeGreaterThan(base + 2)
    await r.flush(10_000)
    expect((await storedSeqs(c)).sort((a, b) => a - b)).toEqual([base, base + 1, base + 2, next])
  })

  it('keeps unacknowledged reports in its buffer file across a restart of the device process', async () => {
    const port = await freePort()
    const bufferPath = join(await dirs.make(), 'rtu-1.buffer')
    const before = reporter(port, { bufferPath })
    const seqs = Array.from({ length: 50 }, (_, i) => before.report({ i }))
    await before.close() // the device process stops with the console unreachable
    const c = await consoleOn(port)
    const after = reporter(port, { bufferPath })
    const next = after.report({ i: 50 })
    expect(next).toBeGreaterThan(seqs.at(-1)!) // never reuses a seq
    await after.flush(10_000)
    expect((await storedSeqs(c)).sort((a, b) => a - b)).toEqual([...seqs, next])
  })
})
