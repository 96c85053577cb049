import { spawnSync } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import {
  serveApi,
  spawnCaptured,
  startServe,
  type CapturedProcess,
  type ServeProcess
} from '../support/cli-process'
import { api, eventually, startConsole, type RunningConsole } from '../support/console'
import { freePort } from '../support/free-port'
import { tempDirs } from '../support/temp-dir'

// The reporter uses the standard library only: whichever python3 is on the PATH.
const PYTHON = 'python3'
const available =
  spawnSync(PYTHON, ['-c', 'import sys; assert sys.version_info >= (3, 8)']).status === 0
if (!available) {
  const line =
    '\n*** SKIPPED: the Python reporter tests need python3 (3.8 or later): apt-get install -y python3 ***\n'
  if (process.env.CI) throw new Error(`CI must run every test${line}`)
  process.stderr.write(line)
}
const SCRIPT = join(__dirname, '../support/python/reporter_stream.py')

const dirs = tempDirs()
const consoles: RunningConsole[] = []
const processes: CapturedProcess[] = []
afterEach(async () => {
  for (const p of processes.splice(0)) p.proc.kill('SIGKILL')
  await Promise.all(consoles.splice(0).map((c) => c.stop()))
  await dirs.cleanup()
})

function python(args: string[]): CapturedProcess {
  const p = spawnCaptured(PYTHON, [SCRIPT, ...args])
  processes.push(p)
  return p
}

async function outcome(
  p: CapturedProcess
): Promise<{ flushed: boolean; stats: Record<string, number>; errors: string[]; seqs: number[] }> {
  expect(await p.exited).toBe(0)
  const done = p
    .stdout()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .find((l) => l.event === 'done')
  if (done === undefined)
    throw new Error(`no result from the Python reporter: ${p.stdout()} ${p.stderr()}`)
  return done
}

async function consoleOn(
  port: number,
  config: Parameters<typeof startConsole>[1] = {}
): Promise<RunningConsole> {
  const c = await startConsole(await dirs.make(), { ingestPort: port, ...config })
  consoles.push(c)
  return c
}

async function storedCount(c: RunningConsole, device = 'py-rtu'): Promise<number> {
  const devices = (await api(c, '/api/devices')).body as Array<{ id: string; reports: number }>
  return devices.find((d) => d.id === device)?.reports ?? 0
}

describe.skipIf(!available)('Python reporter (clients/python/lookout_reporter.py)', () => {
  it('delivers reports and flushes', async () => {
    const port = await freePort()
    const c = await consoleOn(port)
    const result = await outcome(python(['--port', String(port), '--count', '500']))
    expect(result).toMatchObject({ flushed: true, errors: [] })
    expect(result.stats).toMatchObject({ acked: 500, queued: 0, dropped: 0 })
    expect(await storedCount(c)).toBe(500)
    const [latest] = (await api(c, '/api/reports?device=py-rtu&limit=1')).body
    expect(latest).toMatchObject({
      i: 499,
      seq: expect.any(Number),
      ts: expect.any(Number),
      identity: 'anonymous'
    })
  })

  it('stores every report of a 10,000-report stream exactly once through a kill -9 and restart of lookout serve', async () => {
    const port = await freePort()
    const dataDir = await dirs.make()
    const serve = async (): Promise<ServeProcess> => {
      const p = await startServe(dataDir, ['--ingest-port', String(port)])
      processes.push(p)
      return p
    }
    const first = await serve()
    const py = python([
      '--port',
      String(port),
      '--count',
      '10000',
      '--pace',
      '0.02',
      '--flush-timeout',
      '60'
    ])
    // Mid-stream: once the console has acked a good share, and well before the end.
    await eventually(
      () => /"acked": ([1-9]\d{3,})/.test(py.stdout()),
      'acks from the first console',
      10_000
    )
    first.proc.kill('SIGKILL')
    await first.exited
    await new Promise((r) => setTimeout(r, 300))
    const second = await serve()
    const result = await outcome(py)
    expect(result).toMatchObject({ flushed: true, errors: [] })
    expect(result.stats).toMatchObject({ dropped: 0, rejected: 0, queued: 0 })
    const stored = (await serveApi(second, '/api/reports?device=py-rtu&limit=10000')) as Array<{
      seq: number
    }>
    expect(stored.map((r) => r.seq).sort((a, b) => a - b)).toEqual(result.seqs) // each once, none missing
    expect(await serveApi(second, '/api/devices')).toEqual([
      expect.objectContaining({ id: 'py-rtu', reports: 10_000 })
    ])
  })

  it('buffers while the console is unreachable, and delivers once it is back', async () => {
    const port = await freePort()
    const py = python(['--port', String(port), '--count', '300'])
    await py.waitForStdout(/"queued"/)
    await new Promise((r) => setTimeout(r, 300))
    const c = await consoleOn(port)
    expect((await outcome(py)).flushed).toBe(true)
    expect(await storedCount(c)).toBe(300)
  })

  it('drops the oldest when its buffer is full and counts them', async () => {
    const port = await freePort()
    const py = python(['--port', String(port), '--count', '150', '--max-buffer', '100'])
    await py.waitForStdout(/"queued"/)
    const c = await consoleOn(port)
    const result = await outcome(py)
    expect(result.stats).toMatchObject({ dropped: 50, acked: 100 })
    expect(result.errors).toEqual(Array(50).fill('buffer_full'))
    const kept = (
      (await api(c, '/api/reports?device=py-rtu&limit=1000')).body as Array<{ i: number }>
    ).map((r) => r.i)
    expect(kept.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => 50 + i))
  })

  it('reports a bad token as an error and does not retry it', async () => {
    const port = await freePort()
    const tokens = join(await dirs.make(), 'tokens.json')
    await writeFile(tokens, JSON.stringify({ 'good-token-1-abcdef': 'line-1' }))
    const c = await consoleOn(port, { deviceTokensFile: tokens })
    const result = await outcome(
      python(['--port', String(port), '--count', '5', '--token', 'bad-token-1'])
    )
    expect(result.errors).toEqual(Array(5).fill('unauthorized'))
    expect(result.stats).toMatchObject({ sent: 5, rejected: 5, queued: 0 })
    expect(await storedCount(c)).toBe(0)
  })

  it('restores the whole lines of a buffer file a crash cut short', async () => {
    const port = await freePort()
    const bufferPath = join(await dirs.make(), 'torn.buffer')
    const base = Date.now() * 1000
    const lines = [0, 1, 2].map((i) =>
      JSON.stringify({ device: 'py-rtu', seq: base + i, ts: Date.now(), i })
    )
    await writeFile(
      bufferPath,
      lines.join('\n') + '\n{"device":"py-rtu","seq":' + (base + 3) + ',"i"'
    )
    const c = await consoleOn(port)
    const result = await outcome(
      python(['--port', String(port), '--count', '1', '--buffer-path', bufferPath])
    )
    expect(result.flushed).toBe(true)
    expect(result.seqs[0]).toBeGreaterThan(base + 2)
    const seqs = ((await api(c, '/api/reports?device=py-rtu')).body as Array<{ seq: number }>)
      .map((r) => r.seq)
      .sort((a, b) => a - b)
    expect(seqs).toEqual([base, base + 1, base + 2, result.seqs[0]])
  })

  it('refuses a report the console could never take', async () => {
    const check = spawnSync(
      PYTHON,
      [
        '-c',
        `import sys; sys.path.insert(0, ${JSON.stringify(join(__dirname, '../../clients/python'))})
from lookout_reporter import Reporter
r = Reporter("127.0.0.1", 1, "x")
for bad in ({"v": float("nan")}, {"blob": "x" * 70000}, {"o": object()}):
    try:
        r.report(bad)
        print("accepted")
    except ValueError:
        print("refused")
print(r.stats["queued"])
r.close()`
      ],
      { encoding: 'utf8', timeout: 20_000 }
    )
    expect(check.stdout.trim().split('\n')).toEqual(['refused', 'refused', 'refused', '0'])
  })

  it('keeps unacknowledged reports in its buffer file across a restart of the device process', async () => {
    const port = await freePort()
    const bufferPath = join(await dirs.make(), 'py.buffer')
    const before = await outcome(
      python(['--port', String(port), '--count', '40', '--buffer-path', bufferPath, '--no-flush'])
    )
    expect(before.stats.queued).toBe(40)
    const c = await consoleOn(port)
    const after = await outcome(
      python(['--port', String(port), '--count', '10', '--buffer-path', bufferPath])
    )
    expect(after.flushed).toBe(true)
    expect(await storedCount(c)).toBe(50)
  })
})
