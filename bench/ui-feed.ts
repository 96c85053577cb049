/**
 * `npm run bench:ui`: the console UI's report feed in Debian's Chromium, under the live view's
 * top rate (a batch of 750 reports every 50 ms) until it holds 100,000 reports, then scrolled from
 * the newest to the oldest. Prints frame times (p50/p99) and the longest main-thread task: what
 * "smooth" means, measured. Then the Overview (bench/ui-overview.ts). The page is the built
 * renderer with a stand-in for the desktop window's `window.api` (bench/ui-page.ts).
 */
import { existsSync } from 'node:fs'

import { CHROMIUM, launchChromium, openOnPanels, routeBuiltRenderer } from '../test/support/browser'
import { benchOverview } from './ui-overview'
import { FAKE_API, fmt, longestTask, pct, recordFrames } from './ui-page'

const ORIGIN = 'http://lookout.bench'
const BATCH = 750
const TOTAL = 100_000

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
    await openOnPanels(page)
    await page.goto(`${ORIGIN}/index.html`)
    await page.getByTestId('feed-panel').waitFor()

    // Frames and long tasks are recorded in the page while the bench drives it.
    const take = await recordFrames(page)

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

    console.log(`UI feed in Chromium (${CHROMIUM}), built renderer, desktop-window bridge`)
    console.log(
      `  filling: ${TOTAL.toLocaleString('en')} reports as ${Math.ceil(TOTAL / BATCH)} batches of ${BATCH}, one per 50 ms ` +
        `(${((Date.now() - started) / 1000).toFixed(1)} s)`
    )
    console.log(
      `    frames p50 ${fmt(pct(filling.frames, 50))}, p99 ${fmt(pct(filling.frames, 99))}; ${longestTask(filling.longest)}`
    )
    console.log(`  rows in the page with 100,000 kept: ${rows}`)
    console.log(
      `  scrolling newest → oldest in 40 steps: frames p50 ${fmt(pct(scrolling.frames, 50))}, p99 ${fmt(pct(scrolling.frames, 99))}; ${longestTask(scrolling.longest)}`
    )
    await page.close()

    await benchOverview(browser, ORIGIN)
  } finally {
    await browser.close()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
