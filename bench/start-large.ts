/**
 * `tsx bench/start-large.ts [--events N] [--messages N]`: how long the console takes to start,
 * and how much memory it holds after, on a data dir an earlier version left after heavy use —
 * a `device-events.db` and a `messages.db` of a million records each, spread over 40 days (a
 * quarter past the 30 days of retention). Starts twice, each in a process of its own: the first
 * start migrates, the second starts on the day files. Prints figures, never fails on them; the
 * data dir is removed.
 */
import { fork } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

import { resolveConfig } from '../src/main/core/config'
import { LookoutConsole } from '../src/main/core/console'
import { writeLegacyDeviceEvents, writeLegacyMessages } from '../test/support/legacy-data'

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    messages: { type: 'string', default: '1000000' },
    /** Internal: start once on this data dir and print the figures. */
    start: { type: 'string' },
    label: { type: 'string', default: 'start' }
  }
})

async function startOnce(dataDir: string, label: string): Promise<void> {
  const core = new LookoutConsole(
    resolveConfig({
      host: '127.0.0.1',
      ingestPort: 0,
      webPort: 0,
      dataDir,
      accessKey: 'k'.repeat(24),
      viewKey: 'v'.repeat(24)
    }),
    { metrics: async () => ({ cpus: [0], cpu: 0, mem: { used: 1, total: 2 } }) }
  )
  const started = performance.now()
  try {
    await core.start()
    const ms = Math.round(performance.now() - started)
    global.gc?.()
    const rssMb = Math.round(process.memoryUsage().rss / 1e6)
    console.log(`${label}: started in ${ms} ms, RSS ${rssMb} MB`)
    // The costliest status look-ups: an id of another version (every day is read) and an id of
    // a day no longer loaded (that day is read).
    for (const [what, id] of [
      ['status of an unknown random UUID', '00000000-0000-4000-8000-ffffffffffff'],
      ['status of an unknown id of 10 days ago', fakeV7(Date.now() - 10 * 86_400_000)]
    ]) {
      const t = performance.now()
      await core.operations.messageStatus(id).catch(() => undefined)
      console.log(`${label}: ${what}: ${Math.round(performance.now() - t)} ms`)
    }
  } catch (error) {
    const ms = Math.round(performance.now() - started)
    console.log(
      `${label}: cannot start after ${ms} ms: ${(error as Error).message}, RSS ${Math.round(process.memoryUsage().rss / 1e6)} MB`
    )
  } finally {
    await core.stop()
  }
}

function fakeV7(time: number): string {
  const t = time.toString(16).padStart(12, '0')
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7000-8000-000000000000`
}

function startInChild(dataDir: string, label: string): Promise<void> {
  const child = fork(process.argv[1]!, ['--start', dataDir, '--label', label], {
    execArgv: [...process.execArgv, '--expose-gc']
  })
  return new Promise((resolve) => child.on('exit', () => resolve()))
}

async function main(): Promise<void> {
  if (values.start !== undefined) return startOnce(values.start, values.label)
  const dataDir = await mkdtemp(join(tmpdir(), 'lookout-bench-large-'))
  try {
    const now = Date.now()
    const day = 86_400_000
    await writeLegacyDeviceEvents(dataDir, {
      count: Number(values.events),
      devices: 20_000,
      now,
      spanDays: 40
    })
    await writeLegacyMessages(dataDir, {
      count: Number(values.messages),
      now,
      spanDays: 40,
      ttlMs: day
    })
    console.log(`data dir written (${values.events} events, ${values.messages} messages)`)
    await startInChild(dataDir, 'first start (migrates)')
    await startInChild(dataDir, 'second start')
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
}

void main()
