/**
 * `npx tsx bench/many-devices.ts [count…]` (after `npm run build`): a console that knows many
 * device ids, one report each, with no key. For each count (default 10,000 and 100,000, each run
 * with --max-devices set to it: the default and the most allowed), prints the console's RSS, the
 * time of GET /api/devices (a page of 500, a page of 5,000, the bare array), how long a new
 * /live viewer waits for its snapshot, the online/offline log lines, and in Chromium how long
 * the UI takes to show the first device row and to narrow the list to a typed filter. Then one
 * new id beyond the limit, refused.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { io } from 'socket.io-client'

import { LineClient } from '../test/support/line-client'
import { CHROMIUM, launchChromium, openOnPanels } from '../test/support/browser'
import { ConsoleProcess, killRunningConsoles } from './console-process'

const counts = process.argv.slice(2).map(Number)
const idOf = (i: number): string => `dev-${String(i).padStart(6, '0')}`
const mb = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`
const ms = (n: number): string => `${Math.round(n)} ms`

// The console's own log lines, counted as they pass through (ConsoleProcess forwards stderr).
let transitionLines = 0
const write = process.stderr.write.bind(process.stderr)
process.stderr.write = ((chunk: string | Uint8Array) => {
  const text = chunk.toString()
  for (const line of text.split('\n')) {
    if (/device (online|offline)|more devices went/.test(line)) transitionLines += 1
    else if (line !== '' && !line.includes('[console]'))
      (write as (c: string) => boolean)(line + '\n')
  }
  return true
}) as typeof process.stderr.write

async function reportFleet(port: number, count: number): Promise<LineClient> {
  const client = await LineClient.connect(port)
  for (let from = 0; from < count; from += 2000) {
    const to = Math.min(count, from + 2000)
    const batch = []
    for (let i = from; i < to; i++) batch.push({ device: idOf(i), seq: i, temp: 20 })
    client.send(...batch)
    await client.waitForReplies(to, 120_000)
  }
  return client
}

async function snapshotMs(webUrl: string, key: string): Promise<number> {
  const started = performance.now()
  const socket = io(`${webUrl}/live`, { auth: { key }, transports: ['websocket'], forceNew: true })
  await new Promise<void>((resolve, reject) => {
    socket.once('metrics', () => resolve()) // the snapshot's last part
    socket.once('connect_error', reject)
  })
  const took = performance.now() - started
  socket.close()
  return took
}

async function uiTimes(url: string, filter: string): Promise<{ firstRow: number; filter: number }> {
  const browser = await launchChromium()
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    page.setDefaultTimeout(300_000)
    await openOnPanels(page) // the devices table's times: the Overview is bench:ui's
    const started = performance.now()
    await page.goto(url)
    await page.locator('[data-testid=device-row]').first().waitFor()
    const firstRow = performance.now() - started
    const typed = performance.now()
    await page.getByRole('searchbox', { name: 'Filter devices' }).fill(filter)
    await page.waitForFunction((f: string) => {
      // In the page; this file is typed for Node, hence globalThis.
      const doc = (
        globalThis as unknown as {
          document: {
            querySelectorAll(s: string): Iterable<{ getAttribute(n: string): string | null }>
          }
        }
      ).document
      const rows = doc.querySelectorAll('[data-testid=device-row]')
      return [...rows].every((r) => (r.getAttribute('data-device') ?? '').includes(f))
    }, filter)
    return { firstRow, filter: performance.now() - typed }
  } finally {
    await browser.close()
  }
}

async function run(count: number): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lookout-many-'))
  const c = await ConsoleProcess.start({
    dataDir,
    serveArgs: ['--max-devices', String(count), '--log-level', 'info', '--offline-after', '5']
  })
  try {
    const before = c.memory()!.rss
    transitionLines = 0
    const fleetStarted = performance.now()
    const client = await reportFleet(c.ingest.port, count)
    const fleetMs = performance.now() - fleetStarted
    let known = 0
    while (known < count) {
      known = (await c.get<{ total: number }>('/api/devices?limit=1')).body.total
      await new Promise((r) => setTimeout(r, 200))
    }
    const page500 = await c.get(`/api/devices?limit=500&after=${idOf(count >> 1)}`)
    const page5000 = await c.get('/api/devices?limit=5000')
    const all = await c.get<unknown[]>('/api/devices')
    const snapshot = await snapshotMs(c.webUrl, c.accessKey)
    const ui = existsSync(CHROMIUM)
      ? await uiTimes(`${c.webUrl}/?key=${c.accessKey}`, idOf(count - 7).slice(0, -1))
      : null
    client.send({ device: 'one-too-many', seq: count + 1 })
    const refused = (await client.waitForReplies(count + 1)).at(-1)
    await new Promise((r) => setTimeout(r, 7000)) // every device goes offline (--offline-after 5)
    const memory = c.memory()!
    console.log(
      [
        `${count.toLocaleString('en')} devices (--max-devices ${count}), one report each:`,
        `  reported and acked in ${ms(fleetMs)}; RSS ${mb(before)} → ${mb(memory.rss)} (peak ${mb(memory.peakRss)})`,
        `  GET /api/devices: a page of 500 in ${ms(page500.ms)}, of 5,000 in ${ms(page5000.ms)}, the bare array (${all.body.length}) in ${ms(all.ms)}`,
        `  a new viewer's snapshot in ${ms(snapshot)}`,
        ui === null
          ? '  UI: no Chromium'
          : `  UI: first device row ${ms(ui.firstRow)} after loading, filter applied ${ms(ui.filter)} after typing`,
        `  online/offline log lines: ${transitionLines} (for ${2 * count} transitions)`,
        `  one new id beyond the limit: ${JSON.stringify(refused)}`
      ].join('\n')
    )
    client.socket.destroy()
  } finally {
    await c.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  for (const count of counts.length > 0 ? counts : [10_000, 100_000]) await run(count)
}

main().catch((error) => {
  killRunningConsoles()
  console.error(error)
  process.exitCode = 1
})
