/**
 * The Overview in `npm run bench:ui`: 500 devices reporting at 1 Hz (a batch of 50 reports every
 * 100 ms, six numeric fields each) through the desktop window's live events, every device's
 * state sent again each second, a few of them in alarm; first the grid at rest for 20 s, then
 * scrolled from the first tile to the last in 40 steps 100 ms apart while the reports go on (a
 * fling: tiles passed ask for no history), then back in 40 steps 300 ms apart (each tile passed
 * settles and asks for its history, drawn while scrolling). Prints frame times (p50/p99,
 * against the target: p99 under 33 ms) and how many frames missed a vsync, the longest
 * main-thread task, the tiles in the page, and the sparklines' history requests (at most 4 in
 * flight).
 */
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { Browser, CDPSession, Page } from 'playwright-core'

import { routeBuiltRenderer } from '../test/support/browser'
import { summariseProfiles } from './cpu-profile'
import { FAKE_API, fmt, longestTask, pct, recordFrames } from './ui-page'

/** `LOOKOUT_UI_PROFILE=1 npm run bench:ui`: the renderer's CPU profile of the scroll, summarised. */
const PROFILE = process.env.LOOKOUT_UI_PROFILE === '1'

const DEVICES = 500
const BATCH_EVERY_MS = 100
const AT_REST_MS = 20_000
const WARM_UP_MS = 3000
const TARGET_P99_MS = 33
/** The slow scroll's steps: longer than the Overview waits before it asks for history. */
const SLOW_STEP_MS = 300

const idOf = (i: number): string => `plc-${i + 1}`

/** Every device's state as the `devices` topic sends it; stringified into the page. */
function deviceStates(count: number, now: number): unknown[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `plc-${i + 1}`,
    identity: 'anonymous',
    firstSeen: now - 3_600_000,
    lastSeen: now - (i % 10) * 100,
    reports: 3600,
    online: true,
    reportsPerMinute: 60
  }))
}

/** The reports of devices `from` to `from + count` (mod the fleet), at time `now`. */
function reportBatch(
  from: number,
  count: number,
  fleet: number,
  seq: number,
  now: number
): unknown[] {
  const batch = []
  for (let k = 0; k < count; k++) {
    const i = (from + k) % fleet
    const phase = now / 60_000 + i
    batch.push({
      _id: `o${seq}-${k}`,
      device: `plc-${i + 1}`,
      seq,
      time: now,
      identity: 'anonymous',
      temperature: 55 + Math.sin(phase) * 2,
      pressure: 1.2 + Math.cos(phase) / 10,
      flow: 120 + Math.sin(phase * 3) * 15,
      rpm: 1450 + (i % 7),
      vibration: Math.abs(Math.sin(phase * 5)),
      humidity: 40 + (i % 20),
      status: 'running'
    })
  }
  return batch
}

/** A few devices in alarm, as the `alarms` topic sends them: acknowledged and not. */
function someAlarms(now: number): unknown[] {
  return [3, 17, 42, 99, 250].map((i, n) => ({
    id: `hot:plc-${i + 1}`,
    rule: 'hot',
    name: 'Too hot',
    device: `plc-${i + 1}`,
    severity: ['critical', 'high', 'medium', 'low', 'critical'][n],
    state: n % 2 === 0 ? 'active-unacked' : 'active-acked',
    value: 58,
    currentValue: 58,
    raisedAt: now - 60_000,
    clearedAt: null,
    ackedBy: n % 2 === 0 ? null : 'operator',
    ackedAt: n % 2 === 0 ? null : now - 30_000,
    comment: null,
    shelvedUntil: null,
    maintenanceUntil: null,
    firstOut: n === 0,
    silenced: false,
    updatedAt: now - 30_000
  }))
}

const SCROLL_STEP = `((step) => {
  const el = document.querySelector('[data-testid=overview-scroll]')
  el.scrollTop = ((el.scrollHeight - el.clientHeight) * step) / 40
})`

/** Sends the fleet's reports and states until `stop()`: 50 every 100 ms, states every second. */
function reportAtOneHertz(page: Page): { stop: () => Promise<void>; sent: () => number } {
  let running = true
  let sent = 0
  const perBatch = (DEVICES * BATCH_EVERY_MS) / 1000
  const loop = (async () => {
    const started = Date.now()
    for (let tick = 0; running; tick++) {
      const now = Date.now()
      await page.evaluate(
        `__emit('reports', (${reportBatch.toString()})(${tick * perBatch}, ${perBatch}, ${DEVICES}, ${tick}, ${now}))`
      )
      sent += perBatch
      if (tick % (1000 / BATCH_EVERY_MS) === 0)
        await page.evaluate(`__emit('devices', (${deviceStates.toString()})(${DEVICES}, ${now}))`)
      const due = started + (tick + 1) * BATCH_EVERY_MS
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())))
    }
  })()
  return {
    stop: async () => {
      running = false
      await loop
    },
    sent: () => sent
  }
}

export async function benchOverview(browser: Browser, origin: string): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  try {
    await routeBuiltRenderer(page, origin)
    await page.addInitScript(FAKE_API)
    await page.goto(`${origin}/index.html`)
    await page.getByTestId('overview').waitFor()
    await page.evaluate(
      `__emit('devices', (${deviceStates.toString()})(${DEVICES}, ${Date.now()}))`
    )
    await page.evaluate(`__emit('alarms', (${someAlarms.toString()})(${Date.now()}))`)
    await page.locator(`[data-testid=device-tile][data-device=${idOf(0)}]`).waitFor()

    const take = await recordFrames(page)
    const reporter = reportAtOneHertz(page)
    await new Promise((r) => setTimeout(r, WARM_UP_MS))
    await take() // the first tiles' first reports and history are not the steady state
    await new Promise((r) => setTimeout(r, AT_REST_MS))
    const atRest = await take()
    const tiles = await page.getByTestId('device-tile').count()
    const sparklines = await page.getByTestId('sparkline').count()

    const profiler = PROFILE ? await startProfile(page) : null
    for (let step = 1; step <= 40; step++) {
      await page.evaluate(`${SCROLL_STEP}(${step})`)
      await new Promise((r) => setTimeout(r, BATCH_EVERY_MS))
    }
    await page.locator(`[data-testid=device-tile][data-device=${idOf(DEVICES - 1)}]`).waitFor()
    const scrolling = await take()
    // Back up, slowly enough that every tile passed settles and asks for its history: the
    // answers' sparklines drawn while scrolling.
    const askedBefore = await page.evaluate<number>('window.__series.asked')
    for (let step = 39; step >= 0; step--) {
      await page.evaluate(`${SCROLL_STEP}(${step})`)
      await new Promise((r) => setTimeout(r, SLOW_STEP_MS))
    }
    await page.locator(`[data-testid=device-tile][data-device=${idOf(0)}]`).waitFor()
    const slowScrolling = await take()
    const askedSlowly = (await page.evaluate<number>('window.__series.asked')) - askedBefore
    const profiled = profiler === null ? null : await profiler.stop()
    await reporter.stop()
    const series = await page.evaluate<{ asked: number; maxInFlight: number }>('window.__series')

    const verdict = (frames: number[]) => (pct(frames, 99) < TARGET_P99_MS ? 'within' : 'OVER')
    console.log(
      `Overview: ${DEVICES} devices reporting at 1 Hz (${(DEVICES * BATCH_EVERY_MS) / 1000} reports every ${BATCH_EVERY_MS} ms, 6 numeric fields), states every second, 5 in alarm`
    )
    console.log(
      `  at rest ${AT_REST_MS / 1000} s: frames p50 ${fmt(pct(atRest.frames, 50))}, p99 ${fmt(pct(atRest.frames, 99))} ` +
        `(target < ${TARGET_P99_MS} ms: ${verdict(atRest.frames)}), ${late(atRest.frames)}; ${longestTask(atRest.longest)}`
    )
    console.log(
      `  scrolling first → last tile in 40 steps, 100 ms apart: frames p50 ${fmt(pct(scrolling.frames, 50))}, p99 ${fmt(pct(scrolling.frames, 99))} ` +
        `(target < ${TARGET_P99_MS} ms: ${verdict(scrolling.frames)}), ${late(scrolling.frames)}; ${longestTask(scrolling.longest)}`
    )
    console.log(
      `  scrolling back last → first in 40 steps, ${SLOW_STEP_MS} ms apart (${askedSlowly} history requests meanwhile): frames p50 ${fmt(pct(slowScrolling.frames, 50))}, p99 ${fmt(pct(slowScrolling.frames, 99))} ` +
        `(target < ${TARGET_P99_MS} ms: ${verdict(slowScrolling.frames)}), ${late(slowScrolling.frames)}; ${longestTask(slowScrolling.longest)}`
    )
    console.log(
      `  tiles in the page: ${tiles} of ${DEVICES} (${sparklines} sparklines); ` +
        `history requests: ${series.asked}, at most ${series.maxInFlight} in flight; ${reporter.sent().toLocaleString('en')} reports sent`
    )
    if (profiled !== null) {
      console.log(
        `  renderer CPU while scrolling: busy ${fmt(profiled.busyMs)} of ${fmt(profiled.totalMs)}`
      )
      for (const f of profiled.top)
        console.log(
          `    ${f.percent.toFixed(1).padStart(5)}%  ${fmt(f.selfMs).padStart(9)}  ${f.name}  ${f.where}`
        )
    }
  } finally {
    await page.close()
  }
}

/** How many frames missed a vsync (took over 20 ms), of how many. */
function late(frames: number[]): string {
  return `${frames.filter((ms) => ms > 20).length} of ${frames.length} frames late`
}

/** Starts the page's V8 profiler; `stop()` ends it and summarises what it sampled. */
async function startProfile(
  page: Page
): Promise<{ stop: () => Promise<Awaited<ReturnType<typeof summariseProfiles>>> }> {
  const cdp: CDPSession = await page.context().newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.start')
  return {
    stop: async () => {
      const { profile } = await cdp.send('Profiler.stop')
      const dir = await mkdtemp(join(tmpdir(), 'lookout-ui-profile-'))
      await writeFile(join(dir, 'overview.cpuprofile'), JSON.stringify(profile))
      return summariseProfiles(dir, 20)
    }
  }
}
