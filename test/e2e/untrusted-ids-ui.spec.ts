import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { io, type Socket } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import {
  chromiumAvailable,
  collectPageErrors,
  launchChromium,
  openOnPanels,
  screenshot
} from '../support/browser'
import { startServe, type ServeProcess } from '../support/cli-process'
import { eventually } from '../support/console'
import { LineClient } from '../support/line-client'
import { tempDirs } from '../support/temp-dir'

// What devices and phones name things, shown in the console: ids as long as the protocol allows
// (128 characters), right-to-left letters, invisible format characters in field names, and
// ECharts rich-text markup in a field name. None of them may push a control out of its panel,
// reorder the text around them, pass for another name, or restyle a chart.

const TIMEOUT = 30_000
const dirs = tempDirs()
afterAll(() => dirs.cleanup())

const LONG_DEVICE = `plc-hall2-${'a'.repeat(118)}` // 128 characters, the longest id allowed
const RTL_DEVICE = '\u05de\u05db\u05d5\u05e0\u05d4-7' // "מכונה-7": Hebrew, strongly right-to-left
const SPOOF_DEVICE = 'spoof-1'
const RICH_DEVICE = 'chart-1'
const RICH_FIELD = '{a|RICH}{marker0|}'
const LONG_UID = `phone-${'u'.repeat(122)}` // 128 characters, the longest uid allowed
const RTL_UID = '\u05d8\u05dc\u05e4\u05d5\u05df-1' // "טלפון-1"

type Box = { x: number; y: number; width: number; height: number }
const inside = (inner: Box, outer: Box): boolean =>
  inner.x >= outer.x - 0.5 &&
  inner.y >= outer.y - 0.5 &&
  inner.x + inner.width <= outer.x + outer.width + 0.5 &&
  inner.y + inner.height <= outer.y + outer.height + 0.5

async function box(locator: Locator): Promise<Box> {
  const b = await locator.boundingBox()
  if (b === null) throw new Error(`${locator.toString()} is not shown`)
  return b
}

/** Whether the element isolates its text: a `<bdi>`, or `unicode-bidi: isolate` in its style. */
function isolates(locator: Locator): Promise<boolean> {
  return locator.evaluate(
    (el) =>
      el.tagName === 'BDI' ||
      (globalThis as any).getComputedStyle(el).unicodeBidi === 'isolate' ||
      (globalThis as any).getComputedStyle(el).unicodeBidi === 'isolate-override'
  )
}

describe.runIf(chromiumAvailable())('ids from devices and phones in the console', () => {
  let serve: ServeProcess
  let browser: Browser
  let device: LineClient
  const phones: Socket[] = []
  let context: BrowserContext | null = null

  beforeAll(async () => {
    serve = await startServe(await dirs.make())
    device = await LineClient.connect(serve.ingestPort)
    device.send(
      { device: LONG_DEVICE, seq: 1, temperature: 21.5 },
      { device: RTL_DEVICE, seq: 1, temperature: 19 },
      { device: SPOOF_DEVICE, seq: 1, '\u202eexe-txt': 1, 'p\u200b1': 2, p1: 3 },
      { device: RICH_DEVICE, seq: 1, [RICH_FIELD]: 4242.5 }
    )
    const replies = await device.waitForReplies(4)
    expect(replies).toEqual([{ ack: 1 }, { ack: 1 }, { ack: 1 }, { ack: 1 }])
    for (const [uid, name] of [
      [LONG_UID, 'Shift phone'],
      [RTL_UID, '\u05de\u05e9\u05de\u05e8\u05ea']
    ] as const) {
      const phone = io(`http://127.0.0.1:${serve.webPort}/push`, {
        transports: ['websocket'],
        forceNew: true
      })
      phone.emit('register', { uid, name })
      phones.push(phone)
    }
    browser = await launchChromium()
  }, 30_000)

  afterAll(async () => {
    for (const phone of phones) phone.disconnect()
    device?.socket.destroy()
    await browser?.close()
    serve?.proc.kill('SIGTERM')
    await serve?.exited
  })

  afterEach(async () => {
    await context?.close()
    context = null
  })

  async function open(): Promise<{ page: Page; errors: string[] }> {
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    await openOnPanels(context)
    // The chart's tooltip is drawn on a canvas: what it draws is read from fillText.
    await context.addInitScript(() => {
      const drawn: string[] = []
      ;(globalThis as any).__drawnText = drawn
      const proto = (globalThis as any).CanvasRenderingContext2D.prototype
      const fillText = proto.fillText
      proto.fillText = function (text: unknown, ...rest: unknown[]) {
        drawn.push(String(text))
        return fillText.call(this, text, ...rest)
      }
    })
    const page = await context.newPage()
    page.setDefaultTimeout(10_000)
    const errors = collectPageErrors(page)
    await page.goto(serve.url)
    await page.locator(`[data-testid=client-row][data-uid="${LONG_UID}"]`).waitFor()
    await page.locator(`[data-testid=client-row][data-uid="${RTL_UID}"]`).waitFor()
    await page.getByTestId('feed-row').nth(3).waitFor()
    return { page, errors }
  }

  const feedRow = (page: Page, text: string): Locator =>
    page.getByTestId('feed-row').filter({ hasText: text })

  it(
    'keeps a 128-character device id and uid inside their panels',
    async () => {
      const { page, errors } = await open()
      const feed = await box(page.getByTestId('feed-panel'))
      // The feed's tools (its device picker lists the long id) leave Pause inside the panel.
      expect(inside(await box(page.getByTestId('feed-pause')), feed)).toBe(true)
      // A row's device id is cut to its share of the row, the whole id on hover.
      const id = feedRow(page, 'plc-hall2-').locator('.device')
      expect(inside(await box(id), feed)).toBe(true)
      expect((await box(id)).width).toBeLessThan(feed.width / 2)
      expect(await id.getAttribute('title')).toBe(LONG_DEVICE)

      // The send form's "To" picker is no wider than its panel (it was 1,537 px).
      const push = page.getByTestId('push-panel')
      const pushBox = await box(push)
      expect(inside(await box(page.getByTestId('send-to')), pushBox)).toBe(true)
      // The clients table scrolls no wider than its panel; the uid is cut, whole on hover.
      const scroll = push.locator('.scroll')
      expect(await scroll.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true)
      const uid = page.locator(`[data-testid=client-row][data-uid="${LONG_UID}"] .id-text`).first()
      expect(await uid.getAttribute('title')).toBe(LONG_UID)
      expect(inside(await box(uid), pushBox)).toBe(true)

      await screenshot(page, 'console-long-ids')
      expect(errors).toEqual([])
    },
    TIMEOUT
  )

  it(
    'isolates every id from the text around it',
    async () => {
      const { page, errors } = await open()
      const rowId = feedRow(page, RTL_DEVICE).locator('.device')
      expect(await rowId.textContent()).toBe(RTL_DEVICE)
      expect(await isolates(rowId)).toBe(true)

      const client = page.locator(`[data-testid=client-row][data-uid="${RTL_UID}"]`)
      const uid = client.getByText(RTL_UID, { exact: true })
      expect(await isolates(uid)).toBe(true)
      expect(await isolates(client.getByText('\u05de\u05e9\u05de\u05e8\u05ea'))).toBe(true)

      // The send form's "To" picker lists uid and name, each isolated.
      await page.getByTestId('send-to').fill(RTL_UID)
      const option = page.locator(`.id-picker-list [data-id="${RTL_UID}"]`)
      expect(await option.textContent()).toBe(RTL_UID + ' · \u05de\u05e9\u05de\u05e8\u05ea')
      expect(await isolates(option.getByText(RTL_UID, { exact: true }))).toBe(true)
      expect(await isolates(option.getByText('\u05de\u05e9\u05de\u05e8\u05ea'))).toBe(true)
      await page.keyboard.press('Escape')

      // The device's dialog names it in its title: isolated too.
      await page.locator(`[data-testid=device-row][data-device="${RTL_DEVICE}"]`).click()
      const title = page.getByTestId('device-detail').locator('h2').getByText(RTL_DEVICE)
      expect(await isolates(title)).toBe(true)
      await screenshot(page, 'device-detail-rtl-id')
      expect(errors).toEqual([])
    },
    TIMEOUT
  )

  it(
    'writes invisible characters in field names out, so that no name passes for another',
    async () => {
      const { page, errors } = await open()
      // The feed's summary: `\u202eexe-txt` no longer reverses the rest of the row.
      const summary = feedRow(page, SPOOF_DEVICE).locator('.summary')
      expect(await summary.textContent()).toBe('\\u202eexe-txt=1 p\\u200b1=2 p1=3')

      await page.locator(`[data-testid=device-row][data-device="${SPOOF_DEVICE}"]`).click()
      const detail = page.getByTestId('device-detail')
      // The field picker lists each name isolated, its invisible characters written out.
      await detail.getByTestId('detail-field').click()
      const listed = detail.getByRole('listbox', { name: 'Field' }).getByRole('option')
      const options = await listed.evaluateAll((os) =>
        os.map((o) => [o.getAttribute('data-id'), o.textContent, o.querySelector('bdi') !== null])
      )
      expect(options).toEqual([
        ['\u202eexe-txt', '\\u202eexe-txt', true],
        ['p\u200b1', 'p\\u200b1', true],
        ['p1', 'p1', true]
      ])
      await page.keyboard.press('Escape')
      // The latest report, as JSON that still parses to what the device sent.
      const latest = (await detail.getByTestId('latest-report').textContent())!
      expect(latest).toContain('"\\u202eexe-txt": 1')
      expect(latest).not.toMatch(/[\u202e\u200b]/)
      expect(JSON.parse(latest)).toMatchObject({ 'p\u200b1': 2, p1: 3 })
      expect(errors).toEqual([])
    },
    TIMEOUT
  )

  it(
    'shows a field named like ECharts rich-text markup literally in the chart’s tooltip',
    async () => {
      const { page, errors } = await open()
      await page.locator(`[data-testid=device-row][data-device="${RICH_DEVICE}"]`).click()
      const chart = page.getByTestId('device-detail').getByTestId('device-chart')
      await chart.and(page.locator('[data-series="1"]')).waitFor()
      const area = await box(chart)
      // The one point is at the right end of the 15-minute window: hover there.
      const drawn = (): Promise<string[]> =>
        page.evaluate(() =>
          ((globalThis as any).__drawnText as string[]).map((t) => t.replace(/\u2060/g, ''))
        )
      // Each try enters the plot afresh: a pointer resting where it was moves nothing, and a
      // first move that came before the chart drew its point showed no tooltip.
      await eventually(
        async () => {
          await page.mouse.move(area.x - 8, area.y - 8)
          await page.mouse.move(area.x + area.width - 16, area.y + area.height / 2, { steps: 4 })
          // In the language's number format, as the feed writes it.
          return (await drawn()).some((t) => t.includes('4,242.5'))
        },
        'the tooltip showing the value',
        15_000
      )
      expect((await drawn()).some((t) => t.includes(RICH_FIELD))).toBe(true)
      await screenshot(page, 'device-chart-rich-name', '[data-testid=device-detail]')
      expect(errors).toEqual([])
    },
    TIMEOUT
  )
})
