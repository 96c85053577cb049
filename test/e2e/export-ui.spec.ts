import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { StoredReport } from '../../src/shared/ingest-protocol'
import { chromiumAvailable, collectPageErrors, launchChromium } from '../support/browser'
import { ACCESS_KEY, api, consoleFixture, type RunningConsole } from '../support/console'
import { csvObjects } from '../support/csv'
import { LineClient } from '../support/line-client'

// Export in Debian's Chromium, over a console core in this process serving the built renderer:
// a device's detail exports its reports as CSV, caught as the browser's download, and the file's
// rows are what GET /api/reports answers for that device.

const RENDERER = join(__dirname, '../../out/renderer')
const TIMEOUT = 60_000
const DEVICE = 'press-1'

const consoles = consoleFixture()
afterAll(() => consoles.cleanup())

describe.runIf(chromiumAvailable())('exports in a browser', () => {
  let c: RunningConsole
  let browser: Browser
  let page: Page
  let errors: string[]

  beforeAll(async () => {
    c = await consoles.start({}, { uiDir: RENDERER })
    const d = await LineClient.connect(c.addresses.ingest.port)
    const reports = Array.from({ length: 300 }, (_, i) => ({
      device: i % 4 === 3 ? 'other-1' : DEVICE,
      seq: i + 1,
      temp: Math.round((55 + Math.sin(i / 10)) * 100) / 100,
      motor: { rpm: 1450 + (i % 7) },
      ...(i === 10 && { note: 'a, "quoted"\nnote, 温度' })
    }))
    d.send(...reports)
    await d.waitForReplies(reports.length, 20_000)
    d.close()
    browser = await launchChromium()
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      acceptDownloads: true
    })
    page = await context.newPage()
    // Generous: the machine may be busy with other suites; a wait that fails still says what for.
    page.setDefaultTimeout(20_000)
    errors = collectPageErrors(page)
    await page.goto(`${c.base}/?key=${ACCESS_KEY}`)
  }, TIMEOUT)

  afterAll(async () => {
    await browser?.close()
  })

  it(
    'exports a device’s reports from its detail as a CSV download with the API’s rows',
    async () => {
      // The device opens from the Overview's tile or the devices list, whichever is shown.
      await page
        .locator(
          `[data-testid=device-tile][data-device="${DEVICE}"], [data-testid=device-row][data-device="${DEVICE}"]`
        )
        .first()
        .click()
      const detail = page.getByTestId('device-detail')
      await detail.waitFor()
      await detail.getByTestId('detail-export-open').click()
      await detail.getByTestId('detail-export-choice').selectOption({ index: 1 }) // everything
      await detail.getByTestId('detail-export-format').selectOption('csv')
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        detail.getByTestId('detail-export-start').click()
      ])
      expect(download.suggestedFilename()).toMatch(
        new RegExp(`^lookout-${DEVICE}-start-\\d{8}T\\d{6}Z\\.csv$`)
      )
      const text = await readFile((await download.path())!, 'utf8')
      const rows = csvObjects(text)
      const stored: StoredReport[] = (await api(c, `/api/reports?device=${DEVICE}&limit=1000`)).body
      expect(rows).toHaveLength(225)
      expect(
        rows.map((r) => [
          r.time,
          Number(r.time_ms),
          r.device,
          r.seq,
          r.temp,
          r['motor.rpm'],
          r.note
        ])
      ).toEqual(
        [...stored]
          .reverse()
          .map((r) => [
            new Date(r.time).toISOString(),
            r.time,
            r.device,
            String(r.seq),
            String(r.temp),
            String((r.motor as { rpm: number }).rpm),
            (r.note as string | undefined) ?? ''
          ])
      )
      const result = detail.getByTestId('detail-export-result')
      await result.waitFor()
      expect(await result.textContent()).toBe(`Saved ${download.suggestedFilename()} (225 reports)`)
      expect(errors).toEqual([])
    },
    TIMEOUT
  )

  it(
    'exports the range shown with its fields only',
    async () => {
      const detail = page.getByTestId('device-detail')
      await detail.getByTestId('detail-export-open').click()
      await detail.getByTestId('detail-export-choice').selectOption({ index: 0 }) // shown
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        detail.getByTestId('detail-export-start').click()
      ])
      const rows = csvObjects(await readFile((await download.path())!, 'utf8'))
      // Every report was sent just now: all are in the range the chart shows.
      expect(rows).toHaveLength(225)
      const columns = Object.keys(rows[0]!)
      expect(columns.slice(0, 6)).toEqual(['time', 'time_ms', 'device', 'identity', 'seq', 'ts'])
      expect(columns.slice(6).every((f) => ['temp', 'motor.rpm'].includes(f))).toBe(true)
      expect(columns).not.toContain('note')
      expect(errors).toEqual([])
    },
    TIMEOUT
  )
})
