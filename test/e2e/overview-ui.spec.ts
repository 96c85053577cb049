import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import {
  chromiumAvailable,
  collectPageErrors,
  launchChromium,
  screenshot
} from '../support/browser'
import { serveRequest, startServe, type ServeProcess } from '../support/cli-process'
import { eventually } from '../support/console'
import { LineClient } from '../support/line-client'
import { tempDirs } from '../support/temp-dir'

// The Overview in Debian's Chromium, served by `lookout serve`, fed by devices reporting over TCP:
// its default view. Every wait is on what the page shows, never a fixed time.

const TIMEOUT = 30_000
const dirs = tempDirs()
afterAll(() => dirs.cleanup())

/** Devices reporting every `everyMs` over one connection until stopped: readings that move. */
function reportEvery(
  client: LineClient,
  devices: string[],
  everyMs: number,
  fields: (device: string, seq: number) => Record<string, unknown>
): { stop: () => void } {
  let seq = 0
  const send = (): void => {
    seq++
    client.send(...devices.map((device) => ({ device, seq, ...fields(device, seq) })))
  }
  send()
  const timer = setInterval(send, everyMs)
  return { stop: () => clearInterval(timer) }
}

const PLANT = (_device: string, seq: number): Record<string, unknown> => ({
  temp: 20 + (seq % 50) / 10,
  pressure: 1013.25,
  flow: 100 + seq,
  humidity: 40 + (seq % 5),
  status: 'running',
  motor: { rpm: 1450 }
})

describe.runIf(chromiumAvailable())('the Overview in a browser', () => {
  let serve: ServeProcess
  let browser: Browser
  let client: LineClient
  let plant: { stop: () => void }
  let context: BrowserContext | null = null

  beforeAll(async () => {
    serve = await startServe(await dirs.make(), ['--offline-after', '2'])
    client = await LineClient.connect(serve.ingestPort)
    plant = reportEvery(client, ['line-1', 'line-2', 'line-3'], 400, PLANT)
    browser = await launchChromium()
  }, 30_000)

  afterAll(async () => {
    plant?.stop()
    client?.socket.destroy()
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
    const page = await context.newPage()
    page.setDefaultTimeout(15_000) // a wait that fails says what it waited for, within the test's time
    const errors = collectPageErrors(page)
    await page.goto(serve.url)
    await page.getByTestId('overview').waitFor()
    return { page, errors }
  }

  const tile = (page: Page, device: string): Locator =>
    page.locator(`[data-testid=device-tile][data-device="${device}"]`)
  const fieldsOf = (t: Locator): Promise<Array<string | null>> =>
    t.getByTestId('tile-value').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')))
  const reading = (t: Locator, field: string): Promise<string | null> =>
    t
      .locator(`[data-testid=tile-value][data-field="${field}"] [data-testid=tile-reading]`)
      .textContent()

  it(
    'opens on the Overview: a tile per device, its values updating live, each with its sparkline',
    async () => {
      const { page, errors } = await open()
      expect(await page.getByTestId('view-overview').getAttribute('aria-pressed')).toBe('true')
      const first = tile(page, 'line-1')
      await first.and(page.locator('[data-online=true]')).waitFor()
      await tile(page, 'line-3').waitFor()
      // The first six numeric fields by name, nested as a.b; the string left out.
      await eventually(
        async () => (await fieldsOf(first)).length === 5,
        'line-1’s tile showing its numeric fields'
      )
      expect(await fieldsOf(first)).toEqual(['flow', 'humidity', 'motor.rpm', 'pressure', 'temp'])
      expect(await reading(first, 'pressure')).toBe('1,013.25')
      expect(await reading(first, 'motor.rpm')).toBe('1,450')

      // Live: the flow a device reports grows by one a report.
      const before = Number((await reading(first, 'flow'))!.replace(/,/g, ''))
      await eventually(
        async () => Number((await reading(first, 'flow'))!.replace(/,/g, '')) >= before + 2,
        'line-1’s flow moving on as it reports'
      )
      // Its sparkline is drawn from the console's series and the live reports since.
      const spark = first.locator(
        '[data-testid=tile-value][data-field=flow] [data-testid=sparkline]'
      )
      await eventually(
        async () => Number(await spark.getAttribute('data-points')) >= 1,
        'a sparkline of line-1’s flow'
      )
      expect(await first.getByTestId('sparkline').count()).toBe(5)
      expect(errors).toEqual([])
    },
    TIMEOUT
  )

  it(
    'turns a device that stops reporting offline, its age in amber as in the devices list',
    async () => {
      const { page, errors } = await open()
      const quiet = await LineClient.connect(serve.ingestPort)
      try {
        quiet.send({ device: 'gone-1', seq: 1, temp: 30 }, { device: 'gone-1', seq: 2, temp: 31 })
        await quiet.waitForReplies(2)
        const gone = tile(page, 'gone-1')
        // `--offline-after 2`: seen online first, then offline by itself.
        await gone.and(page.locator('[data-online=true]')).waitFor()
        await gone.and(page.locator('[data-online=false]')).waitFor()
        const age = gone.getByTestId('device-age')
        expect(await age.getAttribute('data-stale')).toBe('true')
        expect(await age.evaluate((el) => (globalThis as any).getComputedStyle(el).color)).toBe(
          'rgb(107, 75, 0)' // --warn-text, as a stale row's age
        )
        expect(await gone.getByRole('img', { name: 'Offline' }).count()).toBe(1)
        expect(await gone.getAttribute('title')).toMatch(/^No report for /)
        // A device still reporting keeps its ordinary age.
        expect(
          await tile(page, 'line-1').getByTestId('device-age').getAttribute('data-stale')
        ).toBe('false')
      } finally {
        quiet.close()
      }
      expect(errors).toEqual([])
    },
    TIMEOUT
  )

  it(
    'colours a tile by an alarm rule’s crossing, filled until acknowledged, and opens the device on a click',
    async () => {
      const { page, errors } = await open()
      const boiler = await LineClient.connect(serve.ingestPort)
      try {
        boiler.send({ device: 'boiler-1', seq: 1, temp: 50 })
        await boiler.waitForReplies(1)
        const created = await serveRequest(serve, '/api/alarm-rules', {
          method: 'POST',
          body: {
            name: 'Boiler hot',
            devices: 'boiler-*',
            field: 'temp',
            above: 80,
            severity: 'critical'
          }
        })
        expect(created.status).toBe(201)
        const hot = tile(page, 'boiler-1')
        await hot.waitFor()
        expect(await hot.getAttribute('data-alarm')).toBeNull()

        boiler.send({ device: 'boiler-1', seq: 2, temp: 95 })
        await boiler.waitForReplies(2)
        await hot.and(page.locator('[data-alarm=critical][data-unacked=true]')).waitFor()
        expect(await hot.getByTestId('tile-alarm').textContent()).toBe('Critical, unacknowledged')
        const colours = () =>
          hot.evaluate((el) => {
            const style = (e: unknown) => (globalThis as any).getComputedStyle(e)
            return {
              border: style(el).borderTopColor,
              head: style(el.querySelector('.tile-head')!).backgroundColor
            }
          })
        // --sev-critical, the alarm bar's, as the border and the head's fill.
        expect(await colours()).toEqual({ border: 'rgb(200, 30, 30)', head: 'rgb(200, 30, 30)' })
        await screenshot(page, 'overview')

        const [raised] = (await serveRequest(serve, '/api/alarms?device=boiler-1')).body as Array<{
          id: string
        }>
        const acked = await serveRequest(
          serve,
          `/api/alarms/${encodeURIComponent(raised!.id)}/ack`,
          {
            method: 'POST',
            body: { comment: 'checked' }
          }
        )
        expect(acked.status).toBe(200)
        await hot.and(page.locator('[data-alarm=critical][data-unacked=false]')).waitFor()
        expect((await colours()).border).toBe('rgb(200, 30, 30)')
        expect((await colours()).head).not.toBe('rgb(200, 30, 30)')

        await hot.click()
        const detail = page.getByTestId('device-detail')
        await detail.waitFor()
        expect(await detail.getAttribute('aria-label')).toBe('Device boiler-1')
        await page.keyboard.press('Escape')
        await detail.waitFor({ state: 'detached' })
      } finally {
        boiler.close()
      }
      expect(errors).toEqual([])
    },
    TIMEOUT
  )

  it(
    'shows the fields a pattern names, for every tile and for one device, and keeps them over a reload',
    async () => {
      const { page, errors } = await open()
      const first = tile(page, 'line-1')
      await eventually(async () => (await fieldsOf(first)).length === 5, 'line-1’s fields')
      await page.getByTestId('overview-fields').click()
      await page.getByTestId('pattern-all').fill('hum*, flow')
      await page.getByTestId('pattern-all-save').click()
      await eventually(
        async () => (await fieldsOf(first)).join() === 'humidity,flow',
        'line-1 showing humidity and flow, in the pattern’s order'
      )
      expect(await fieldsOf(tile(page, 'line-2'))).toEqual(['humidity', 'flow'])

      // One device's own: picked from the matching ids, as a device is anywhere.
      await page.getByTestId('pattern-device').fill('line-2')
      await page.getByRole('listbox', { name: 'Device' }).getByRole('option').first().click()
      await page.getByTestId('pattern-own').fill('motor.*')
      await page.getByTestId('pattern-own-save').click()
      await eventually(
        async () => (await fieldsOf(tile(page, 'line-2'))).join() === 'motor.rpm',
        'line-2 showing its own field'
      )
      expect(await fieldsOf(first)).toEqual(['humidity', 'flow'])

      await page.reload()
      await eventually(
        async () =>
          (await fieldsOf(tile(page, 'line-1'))).join() === 'humidity,flow' &&
          (await fieldsOf(tile(page, 'line-2'))).join() === 'motor.rpm',
        'the fields kept over a reload'
      )
      // The panels are one click away, and the choice of view is kept too.
      await page.getByTestId('view-panels').click()
      await page.locator('[data-testid=device-row][data-device=line-1]').waitFor()
      await page.reload()
      await page.locator('[data-testid=device-row][data-device=line-1]').waitFor()
      expect(await page.getByTestId('overview').count()).toBe(0)
      expect(errors).toEqual([])
    },
    TIMEOUT
  )
})
