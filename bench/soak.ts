/**
 * `npm run soak -- --minutes N`: a long run of `lookout serve` at a steady ingest rate with
 * viewers and push clients connected, printing once a minute what the console reports of itself
 * (GET /api/diagnostics): RSS, heap, event-loop delay, open handles, store size. At the end, the
 * slope of RSS over the run after its first minutes: a console that keeps memory steady levels
 * off, one that leaks climbs. Figures, not a pass/fail: this machine is shared and noisy.
 */
import { fork } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

import { io } from 'socket.io-client'

import type { DiagnosticsBody } from '../src/shared/api-types'
import { ConsoleProcess, killRunningConsoles } from './console-process'
import { LiveViewers } from './live-viewers'

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '2000' },
    viewers: { type: 'string', default: '5' },
    'push-clients': { type: 'string', default: '20' }
  }
})
const minutes = Number(values.minutes)
const rate = Number(values.rate)
const viewerCount = Number(values.viewers)
const pushCount = Number(values['push-clients'])
for (const [name, n] of Object.entries({ minutes, rate, viewerCount, pushCount })) {
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name}: must be a number ≥ 0`)
    process.exit(2)
  }
}

const mb = (bytes: number): string => (bytes / 1048576).toFixed(1)

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length
  const mx = points.reduce((s, [x]) => s + x, 0) / n
  const my = points.reduce((s, [, y]) => s + y, 0) / n
  let num = 0
  let den = 0
  for (const [x, y] of points) {
    num += (x - mx) * (y - my)
    den += (x - mx) ** 2
  }
  return den === 0 ? 0 : num / den
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lookout-soak-'))
  const console_ = await ConsoleProcess.start({ dataDir })
  const viewers = await LiveViewers.connect(console_.webUrl, console_.accessKey, viewerCount)
  const phones = Array.from({ length: pushCount }, (_, i) => {
    const phone = io(`${console_.webUrl}/push`, { transports: ['websocket'], forceNew: true })
    phone.on('message', (_message: unknown, ack: () => void) => ack())
    phone.emit('register', { uid: `soak-phone-${i}` })
    return phone
  })
  const sender = fork(
    join(__dirname, 'steady-sender.ts'),
    [console_.ingest.host, String(console_.ingest.port), String(rate), String(minutes * 60)],
    { execArgv: ['--import', 'tsx'], stdio: 'inherit' }
  )
  const diagnostics = async (): Promise<DiagnosticsBody> => {
    const res = await fetch(`${console_.webUrl}/api/diagnostics`, {
      headers: { authorization: `Bearer ${console_.accessKey}` }
    })
    return (await res.json()) as DiagnosticsBody
  }
  // A broadcast every 10 s: the push path is exercised too.
  const broadcasts = setInterval(() => {
    void fetch(`${console_.webUrl}/api/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${console_.accessKey}`,
        'content-type': 'application/json'
      },
      body: JSON.stringify({ data: { soak: Date.now() } })
    }).catch(() => undefined)
  }, 10_000)

  console.log(
    `soak: ${minutes} min at ${rate} reports/s, ${viewerCount} viewers, ${pushCount} push clients; data in ${dataDir}`
  )
  console.log(
    'min  rss MB  heap MB  loop p99/max ms  handles  store MB  reports stored  viewer reports'
  )
  const rss: Array<[number, number]> = []
  // Each row's event-loop figures are those of the console's last full minute.
  for (let minute = 1; minute <= minutes; minute++) {
    await new Promise((r) => setTimeout(r, 60_000))
    const d = await diagnostics()
    const received = viewers.take()
    const handles = Object.values(d.handles).reduce((a, b) => a + b, 0)
    rss.push([minute, d.memory.rss / 1048576])
    console.log(
      [
        String(minute).padStart(3),
        mb(d.memory.rss).padStart(7),
        mb(d.memory.heapUsed).padStart(8),
        `${d.eventLoopDelayMs.p99}/${d.eventLoopDelayMs.max}`.padStart(16),
        String(handles).padStart(8),
        mb(d.store.bytesOnDisk).padStart(9),
        String(d.store.reports).padStart(15),
        String(received.reports).padStart(15)
      ].join(' ')
    )
  }
  clearInterval(broadcasts)
  // The first minutes fill caches, the live view's snapshot and the active partition's index:
  // the slope is taken after them.
  const settled = rss.length > 4 ? rss.slice(2) : rss
  if (settled.length >= 2)
    console.log(
      `RSS slope after minute ${settled[0]![0]}: ${(slope(settled) * 60).toFixed(1)} MB/hour ` +
        `(${mb(settled[0]![1] * 1048576)} → ${mb(settled.at(-1)![1] * 1048576)} MB)`
    )
  else console.log('RSS slope: run at least 2 minutes to get one')
  sender.kill()
  viewers.close()
  for (const phone of phones) phone.close()
  await console_.stop()
  await rm(dataDir, { recursive: true, force: true })
}

main().catch((error: unknown) => {
  killRunningConsoles()
  console.error(error)
  process.exit(1)
})
