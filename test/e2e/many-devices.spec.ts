import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import {
  chromiumAvailable,
  collectPageErrors,
  launchChromium,
  openOnPanels
} from '../support/browser'
import { startServe, type ServeProcess } from '../support/cli-process'
import { LineClient } from '../support/line-client'
import { tempDirs } from '../support/temp-dir'

// 10,000 devices in a browser: the devices table and the feed's device picker stay usable.

const DEVICES = 10_000
const dirs = tempDirs()
const idOf = (i: number): string => `dev-${String(i).padStart(5, '0')}`

/** One report from each of `count` devices over one connection; resolves once all are acked. */
async function reportFleet(port: number, count: number): Promise<void> {
  const client = await LineClient.connect(port)
  try {
    for (let from = 0; from < count; from += 1000) {
      const to = Math.min(count, from + 1000)
      const batch = []
      for (let i = from; i < to; i++) batch.push({ device: idOf(i), seq: i, temp: 20 + (i % 7) })
      client.send(...batch)
      await client.waitForReplies(to, 30_000)
    }
  } finally {
    client.socket.destroy()
  }
}

describe.runIf(chromiumAvailable())('10,000 devices in the console UI', () => {
  let serve: ServeProcess
  let browser: Browser
  let page: Page
  let errors: string[]

  beforeAll(async () => {
    serve = await startServe(await dirs.make())
    await reportFleet(serve.ingestPort, DEVICES)
    browser = await launchChromium()
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    await openOnPanels(context)
    page = await context.newPage()
    page.setDefaultTimeout(20_000)
    errors = collectPageErrors(page)
    await page.goto(serve.url)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    if (serve) {
      serve.proc.kill('SIGTERM')
      await serve.exited
    }
    await dirs.cleanup()
  })

  it('shows the first rows, keeps only the rows in sight in the page, and filters', async () => {
    const rows = page.locator('[data-testid=device-row]')
    await page.locator(`[data-testid=device-row][data-device=${idOf(0)}]`).waitFor()
    expect(await page.locator('.devices-table').getAttribute('data-count')).toBe(String(DEVICES))
    expect(await rows.count()).toBeLessThan(200) // virtualized: not 10,000
    // The ids are shown isolated (IdText), whole on hover.
    const firstId = rows.first().locator('bdi.id-text').first()
    expect(await firstId.getAttribute('title')).toBe(idOf(0))

    // Scrolled to the end, the last devices are there (and still only a screenful of rows).
    await page.getByTestId('devices-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight))
    await page.locator(`[data-testid=device-row][data-device=${idOf(DEVICES - 1)}]`).waitFor()
    expect(await rows.count()).toBeLessThan(200)

    await page.getByRole('searchbox', { name: 'Filter devices' }).fill('dev-0777')
    await expect
      .poll(async () => rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-device'))))
      .toEqual(Array.from({ length: 10 }, (_, i) => `dev-0777${i}`))
    await page.getByRole('searchbox', { name: 'Filter devices' }).fill('')
    await page.locator(`[data-testid=device-row][data-device=${idOf(0)}]`).waitFor()
    expect(errors).toEqual([])
  })

  it('picks one of 10,000 devices for the feed from a short list of matches', async () => {
    const picker = page.getByRole('combobox', { name: 'Show device' })
    await picker.click()
    const options = page.getByRole('listbox', { name: 'Show device' }).getByRole('option')
    expect(await options.count()).toBe(50) // bounded, with a line saying how many more
    await expect
      .poll(() => page.locator('.id-picker-list .more').textContent())
      .toMatch(/9,950 more/)
    await picker.fill('dev-09998')
    await expect.poll(() => options.count()).toBe(1)
    await options.first().click()
    expect(await picker.inputValue()).toBe('dev-09998')
    await expect
      .poll(async () => {
        const devices = await page
          .getByTestId('feed-row')
          .locator('.device')
          .evaluateAll((r) => r.map((x) => x.textContent))
        return [...new Set(devices)]
      })
      .toEqual(['dev-09998'])
    await picker.fill('')
    await expect.poll(() => page.getByTestId('feed-row').count()).toBeGreaterThan(1)
    expect(errors).toEqual([])
  })
})
