import { readFile } from 'node:fs/promises'

import type { Browser, BrowserContext, Locator, Page, Request } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import {
  chromiumAvailable,
  collectPageErrors,
  launchChromium,
  screenshot
} from '../support/browser'
import type { StoredReport } from '../../src/shared/ingest-protocol'
import { serveApi, startServe, type ServeProcess } from '../support/cli-process'
import { eventually } from '../support/console'
import { csvObjects } from '../support/csv'
import { LineClient } from '../support/line-client'
import { tempDirs } from '../support/temp-dir'

// A device's history in Debian's Chromium, served by `lookout serve`, the device reporting over
// TCP: the range asked of `GET /api/series` as the user picks it, a zoom by dragging across the
// chart that asks for a finer series of just that range, two fields on two axes, and y axes
// scaled to the data. The console stamps each report's time as it arrives, so even a 7-day
// range holds only this run's reports: what is checked is the range asked and the drawing.

const TIMEOUT = 40_000
const DAY = 86_400_000
const DEVICE = 'boiler-7'
const dirs = tempDirs()
afterAll(() => dirs.cleanup())

/** A `GET /api/series` the page made, as its query says. */
interface SeriesAsked {
  fields: string[]
  since: number
  until: number
  points: number
}

function seriesAsked(request: Request): SeriesAsked | undefined {
  const url = new URL(request.url())
  if (url.pathname !== '/api/series') return undefined
  const q = url.searchParams
  return {
    fields: q.getAll('field'),
    since: Number(q.get('since')),
    until: Number(q.get('until')),
    points: Number(q.get('points'))
  }
}

async function box(
  locator: Locator
): Promise<{ x: number; y: number; width: number; height: number }> {
  const b = await locator.boundingBox()
  if (b === null) throw new Error(`${locator.toString()} is not shown`)
  return b
}

const numberAt = async (locator: Locator, name: string): Promise<number> =>
  Number(await locator.getAttribute(name))

/** The values of the y labels drawn left of `middle` px and right of it. */
async function yLabels(chart: Locator): Promise<{ left: number[]; right: number[] }> {
  const labels = JSON.parse((await chart.getAttribute('data-y-labels')) ?? '[]') as number[][]
  const middle = (await box(chart)).width / 2
  return {
    left: labels.filter(([, , right]) => right! < middle).map(([v]) => v!),
    right: labels.filter(([, left]) => left! > middle).map(([v]) => v!)
  }
}

/**
 * Drags across the chart's last `share` of width and past its end, until it has zoomed. Each
 * try enters the chart afresh: a drag that began before the chart was ready to zoom did nothing.
 */
async function dragAcrossEnd(
  page: Page,
  chart: Locator,
  detail: Locator,
  share: number
): Promise<void> {
  await eventually(
    async () => {
      const area = await box(chart)
      const y = area.y + area.height / 2
      const end = area.x + area.width
      await page.mouse.move(area.x - 10, y)
      await page.mouse.move(end - area.width * share, y, { steps: 2 })
      await page.mouse.down()
      await page.mouse.move(end + 8, y, { steps: 8 })
      await page.mouse.up()
      return (await detail.getByTestId('zoom-reset').count()) === 1
    },
    'the chart zoomed by a drag',
    15_000
  )
}

describe.runIf(chromiumAvailable())('a device’s history in a browser', () => {
  let serve: ServeProcess
  let browser: Browser
  let device: LineClient
  let reporting: ReturnType<typeof setInterval> | undefined
  let context: BrowserContext | null = null
  let seq = 0

  /**
   * One report: a temperature about 55 °C (± 1) and a pressure about 1013 hPa, each a slow wave
   * with a fast ripple on it (what a bucket's min/max band shows).
   */
  const report = (): Record<string, unknown> => {
    seq += 1
    const temp = 55 + 0.7 * Math.sin(seq / 60) + 0.25 * Math.sin(seq * 2.7)
    const pressure = 1013 + 1.5 * Math.cos(seq / 90) + 0.3 * Math.sin(seq * 1.9)
    return {
      device: DEVICE,
      seq,
      temp: Math.round(temp * 100) / 100,
      pressure: Math.round(pressure * 10) / 10
    }
  }

  beforeAll(async () => {
    serve = await startServe(await dirs.make())
    device = await LineClient.connect(serve.ingestPort)
    device.send(report(), report(), report())
    await device.waitForReplies(3)
    // Reporting 10 times a second through the tests, as a device does.
    reporting = setInterval(() => device.send(report()), 100)
    browser = await launchChromium()
  }, 30_000)

  afterAll(async () => {
    if (reporting !== undefined) clearInterval(reporting)
    device?.socket.destroy()
    await browser?.close()
    serve?.proc.kill('SIGTERM')
    await serve?.exited
  })

  afterEach(async () => {
    await context?.close()
    context = null
  })

  /** The console in a page, the device's detail open, and every series it asks for. */
  async function openDevice(): Promise<{
    page: Page
    errors: string[]
    asked: SeriesAsked[]
    detail: Locator
    chart: Locator
  }> {
    context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      acceptDownloads: true
    })
    // The panels view, not the Overview: its tiles' sparklines ask for series of their own.
    await context.addInitScript(() => localStorage.setItem('lookout.view', 'panels'))
    const page = await context.newPage()
    page.setDefaultTimeout(15_000) // a wait that fails says what it waited for, within the test's time
    const errors = collectPageErrors(page)
    const asked: SeriesAsked[] = []
    page.on('request', (r) => {
      const s = seriesAsked(r)
      if (s !== undefined) asked.push(s)
    })
    await page.goto(serve.url)
    await page.locator(`[data-testid=device-row][data-device="${DEVICE}"]`).click()
    const detail = page.getByTestId('device-detail')
    const chart = detail.getByTestId('device-chart')
    await chart.and(page.locator('[data-series="1"]')).waitFor()
    return { page, errors, asked, detail, chart }
  }

  it(
    'shows the last 15 minutes first, and asks for 7 days when 7 days are picked',
    async () => {
      const { page, errors, asked, detail, chart } = await openDevice()
      // The default: 15 minutes up to now, about a point per pixel of the plot.
      const first = asked[0]!
      expect(first.fields).toEqual(['temp'])
      expect(first.until - first.since).toBe(15 * 60_000)
      expect(Math.abs(first.until - Date.now())).toBeLessThan(60_000)
      expect(first.points).toBeGreaterThanOrEqual(600)
      expect(first.points).toBeLessThanOrEqual(1500)

      await detail.getByTestId('detail-range').selectOption('7d')
      await eventually(
        () => asked.some((a) => a.until - a.since === 7 * DAY),
        'a series of 7 days asked for'
      )
      // Drawn: the answer's range on the chart, its axis 7 days long, labelled by day.
      await chart.and(page.locator(`[data-axis-max]`)).waitFor()
      await eventually(
        async () =>
          (await numberAt(chart, 'data-axis-max')) - (await numberAt(chart, 'data-axis-min')) ===
            7 * DAY &&
          (await numberAt(chart, 'data-until')) - (await numberAt(chart, 'data-since')) === 7 * DAY,
        'the 7-day series drawn'
      )
      const xLabels = JSON.parse((await chart.getAttribute('data-x-labels'))!) as number[][]
      const times = xLabels.map(([t]) => t!)
      expect(times.at(-1)! - times[0]!).toBeGreaterThan(5 * DAY)
      expect(await numberAt(chart, 'data-bucket-ms')).toBeGreaterThanOrEqual(5 * 60_000)
      expect(await detail.getByTestId('series-points').textContent()).toMatch(
        /^Buckets of (5|10|15|30) min: \d+/
      )
      await screenshot(page, 'device-history-7d', '[data-testid=device-detail]')
      expect(errors).toEqual([])
    },
    TIMEOUT
  )

  it(
    'zooms by dragging across the chart: a finer series of that range, exported as shown, and back',
    async () => {
      const { page, errors, asked, detail, chart } = await openDevice()
      await detail.getByTestId('detail-range').selectOption('7d')
      await eventually(
        async () =>
          (await numberAt(chart, 'data-until')) - (await numberAt(chart, 'data-since')) === 7 * DAY,
        'the 7-day series drawn'
      )
      const coarse = await numberAt(chart, 'data-bucket-ms')
      const before = asked.length

      await dragAcrossEnd(page, chart, detail, 0.2)
      // A series of just the range dragged across, in finer buckets, drawn.
      await eventually(() => asked.length > before, 'the zoomed range asked for')
      const zoomed = asked.at(-1)!
      expect(zoomed.until - zoomed.since).toBeLessThan(2 * DAY)
      expect(zoomed.until - zoomed.since).toBeGreaterThan(DAY / 4)
      await eventually(
        async () => (await numberAt(chart, 'data-since')) === zoomed.since,
        'the zoomed series drawn'
      )
      expect(await numberAt(chart, 'data-bucket-ms')).toBeLessThan(coarse)
      expect(await numberAt(chart, 'data-axis-min')).toBe(zoomed.since)
      expect(await numberAt(chart, 'data-axis-max')).toBe(zoomed.until)
      expect(await numberAt(chart, 'data-buckets')).toBeGreaterThanOrEqual(1)
      expect(await detail.getByTestId('zoomed').textContent()).toMatch(/^Zoomed in: /)
      await screenshot(page, 'device-history-zoomed', '[data-testid=device-detail]')

      // Exported, the range shown is the zoomed one: the file's rows are the API's for it.
      await detail.getByTestId('detail-export-open').click()
      await detail.getByTestId('detail-export-choice').selectOption({ index: 0 }) // shown
      await detail.getByTestId('detail-export-format').selectOption('csv')
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        detail.getByTestId('detail-export-start').click()
      ])
      const rows = csvObjects(await readFile((await download.path())!, 'utf8'))
      const stored = (await serveApi(
        serve,
        `/api/reports?device=${DEVICE}&since=${zoomed.since}&until=${zoomed.until}&limit=10000`
      )) as StoredReport[]
      expect(stored.length).toBeGreaterThan(3)
      expect(rows.map((r) => [Number(r.time_ms), r.seq, r.temp])).toEqual(
        [...stored].reverse().map((r) => [r.time, String(r.seq), String(r.temp)])
      )

      // Back to the range chosen: 7 days again, up to now.
      await detail.getByTestId('zoom-reset').click()
      await eventually(
        async () =>
          (await numberAt(chart, 'data-until')) - (await numberAt(chart, 'data-since')) === 7 * DAY,
        'the 7 days drawn again'
      )
      expect(await numberAt(chart, 'data-bucket-ms')).toBe(coarse)
      expect(await detail.getByTestId('zoom-reset').count()).toBe(0)
      expect(errors).toEqual([])
    },
    TIMEOUT
  )

  it(
    'draws two fields on two axes, each scaled to its data, not from 0',
    async () => {
      const { page, errors, asked, detail, chart } = await openDevice()
      // Some seconds of reports on the 15-minute chart, so that there is a line to see.
      await eventually(
        async () => (await numberAt(chart, 'data-buckets')) >= 3,
        'a few buckets drawn',
        15_000
      )
      const { left: alone } = await yLabels(chart)
      expect(alone.length).toBeGreaterThanOrEqual(3)
      for (const v of alone) expect(v).toBeGreaterThan(50)
      for (const v of alone) expect(v).toBeLessThan(60)

      await detail.getByTestId('detail-add-field').click()
      await detail
        .getByRole('listbox', { name: 'Add a field' })
        .getByRole('option', { name: 'pressure' })
        .click()
      await chart.and(page.locator('[data-series="2"]')).waitFor()
      expect(asked.at(-1)!.fields).toEqual(['temp', 'pressure'])
      expect(await chart.getAttribute('aria-label')).toBe(`${DEVICE} temp pressure`)
      expect(await detail.getByTestId('chart-field').getAttribute('data-field')).toBe('pressure')
      // Left the temperatures' axis, right the pressures': neither from 0.
      await eventually(
        async () => (await yLabels(chart)).right.length >= 3,
        'the second axis drawn'
      )
      const { left, right } = await yLabels(chart)
      expect(Math.min(...left)).toBeGreaterThan(50)
      expect(Math.max(...left)).toBeLessThan(60)
      expect(Math.min(...right)).toBeGreaterThan(1000)
      expect(Math.max(...right)).toBeLessThan(1030)
      // Zoomed into the last 3 minutes, where the reports are: lines, bands, two axes.
      await dragAcrossEnd(page, chart, detail, 0.2)
      await eventually(
        async () => (await numberAt(chart, 'data-bucket-ms')) <= 1000,
        'the last minutes drawn finer'
      )
      expect(await chart.getAttribute('data-series')).toBe('2')
      await screenshot(page, 'device-history-fields', '[data-testid=device-detail]')
      expect(errors).toEqual([])
    },
    TIMEOUT
  )

  it(
    'shows a custom range as asked, and says when it holds no value',
    async () => {
      const { page, errors, asked, detail } = await openDevice()
      await detail.getByTestId('detail-range').selectOption('custom')
      // A day last year: no report of this run in it.
      await detail.getByTestId('range-from').fill('2024-06-01T08:00')
      await detail.getByTestId('range-to').fill('2024-06-01T07:00')
      await detail.getByRole('alert').getByText('The start must be before the end.').waitFor()
      expect(await detail.getByRole('button', { name: 'Show' }).isDisabled()).toBe(true)
      await detail.getByTestId('range-to').fill('2024-06-02T08:00')
      await detail.getByRole('button', { name: 'Show' }).click()
      await detail.getByTestId('series-empty').waitFor()
      expect(await detail.getByTestId('series-empty').textContent()).toBe(
        'No numeric values in this range.'
      )
      const custom = asked.at(-1)!
      expect(custom.since).toBe(new Date(2024, 5, 1, 8).getTime())
      expect(custom.until).toBe(new Date(2024, 5, 2, 8).getTime())
      await page.keyboard.press('Escape')
      expect(errors).toEqual([])
    },
    TIMEOUT
  )
})
