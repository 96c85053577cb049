/**
 * `npm run bench:ui`: the console UI's report feed in Debian's Chromium, under the live view's
 * top rate (a batch of 750 reports every 50 ms) until it holds 100,000 reports, then scrolled from
 * the newest to the oldest. Prints frame times (p50/p99) and the longest main-thread task: what
 * "smooth" means, measured. The page is the built renderer with a stand-in for the desktop
 * window's `window.api` that only delivers events.
 */
import { existsSync } from 'node:fs'

import { CHROMIUM, launchChromium, routeBuiltRenderer } from '../test/support/browser'

const ORIGIN = 'http://lookout.bench'
const BATCH = 750
const TOTAL = 100_000

/** Runs in the page before its scripts: a window.api whose live events the bench sends. */
const FAKE_API = `(() => {
  const listeners = new Map()
  const channels = { reports: [], devices: [] }
  window.__emit = (event, payload) => (listeners.get(event) || []).forEach((l) => l(payload))
  const info = { version: 'bench', ingest: [{ protocol: 'tcp', host: '127.0.0.1', port: 9800 }],
    web: { host: '127.0.0.1', port: 9801 }, viewUrl: 'http://127.0.0.1:9801/?key=bench' }
  const refuse = async () => { throw new Error('not in this bench') }
  window.api = {
    getStatus: async () => ({ state: 'running', info, dataDir: '/bench' }),
    openLive: async () => ({ devices: [], clients: [], reports: [], metrics: [] }),
    queryReports: async () => [], sendMessage: refuse, messageStatus: refuse,
    copyViewUrl: refuse, copyText: refuse, deviceTokens: refuse, createDeviceToken: refuse,
    revokeDeviceToken: refuse, setDeviceTokensRequired: refuse,
    on: (event, listener) => {
      if (!listeners.has(event)) listeners.set(event, [])
      listeners.get(event).push(listener)
      return () => listeners.set(event, listeners.get(event).filter((l) => l !== listener))
    }
  }
  void channels
})()`

// What runs in the page, as text: this file is typed for Node, the page is a browser.
const RECORD_FRAMES = `(() => {
  window.frames_ = []
  window.longest = 0
  let last = performance.now()
  const tick = (now) => { window.frames_.push(now - last); last = now; requestAnimationFrame(tick) }
  requestAnimationFrame(tick)
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.longest = Math.max(window.longest, entry.duration)
  }).observe({ type: 'longtask' })
})()`
const TAKE_FRAMES = `(() => {
  const taken = { frames: window.frames_.slice(1), longest: window.longest }
  window.frames_ = []
  window.longest = 0
  return taken
})()`
const SCROLL_THROUGH = `(async () => {
  const el = document.querySelector('[data-testid=feed-scroll]')
  for (let step = 1; step <= 40; step++) {
    el.scrollTop = (el.scrollHeight * step) / 40
    await new Promise((r) => requestAnimationFrame(r))
  }
})()`

/** A batch as the live view sends it; stringified into the page. */
function makeBatch(from: number, count: number): unknown[] {
  const batch = []
  for (let i = from; i < from + count; i++)
    batch.push({
      _id: `r${i}`,
      device: `plc-${i % 50}`,
      seq: i,
      time: Date.now(),
      identity: 'anonymous',
      temperature: 20 + (i % 100) / 10,
      status: 'ok'
    })
  return batch
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.log(`bench:ui skipped: no Chromium at ${CHROMIUM} (sudo apt-get install -y chromium)`)
    return
  }
  const browser = await launchChromium()
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    await routeBuiltRenderer(page, ORIGIN)
    await page.addInitScript(FAKE_API)
    await page.goto(`${ORIGIN}/index.html`)
    await page.getByTestId('feed-panel').waitFor()

    // Frames and long tasks are recorded in the page while the bench drives it.
    await page.evaluate(RECORD_FRAMES)
    const take = () => page.evaluate<{ frames: number[]; longest: number }>(TAKE_FRAMES)

    const started = Date.now()
    for (let from = 0; from < TOTAL; from += BATCH) {
      const count = Math.min(BATCH, TOTAL - from)
      await page.evaluate(`__emit('reports', (${makeBatch.toString()})(${from}, ${count}))`)
      const due = started + ((from + count) / BATCH) * 50
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())))
    }
    await page.getByTestId('feed-count').filter({ hasText: '100,000' }).waitFor()
    const filling = await take()
    const rows = await page.getByTestId('feed-row').count()

    // Scroll from the newest to the oldest in 40 steps, a frame apart.
    await page.evaluate(SCROLL_THROUGH)
    const scrolling = await take()

    const fmt = (ms: number) => `${ms.toFixed(1)} ms`
    // The browser reports tasks of 50 ms and more only.
    const longest = (ms: number) =>
      ms === 0 ? 'no task of 50 ms or more' : `longest task ${fmt(ms)}`
    console.log(`UI feed in Chromium (${CHROMIUM}), built renderer, desktop-window bridge`)
    console.log(
      `  filling: ${TOTAL.toLocaleString('en')} reports as ${Math.ceil(TOTAL / BATCH)} batches of ${BATCH}, one per 50 ms ` +
        `(${((Date.now() - started) / 1000).toFixed(1)} s)`
    )
    console.log(
      `    frames p50 ${fmt(pct(filling.frames, 50))}, p99 ${fmt(pct(filling.frames, 99))}; ${longest(filling.longest)}`
    )
    console.log(`  rows in the page with 100,000 kept: ${rows}`)
    console.log(
      `  scrolling newest → oldest in 40 steps: frames p50 ${fmt(pct(scrolling.frames, 50))}, p99 ${fmt(pct(scrolling.frames, 99))}; ${longest(scrolling.longest)}`
    )
  } finally {
    await browser.close()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
