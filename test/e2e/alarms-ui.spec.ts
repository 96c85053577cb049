import { join } from 'node:path'

import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { systemMetrics } from '../../src/main/core/metrics/host-sampler'
import type { Alarm } from '../../src/shared/alarm-types'
import {
  chromiumAvailable,
  collectPageErrors,
  launchChromium,
  openOnPanels,
  screenshot
} from '../support/browser'
import {
  ACCESS_KEY,
  api,
  consoleFixture,
  eventually,
  VIEW_KEY,
  type RunningConsole
} from '../support/console'
import { LineClient } from '../support/line-client'

// The alarms UI in Debian's Chromium, over a console core in this process that serves the built
// renderer: an operator makes a rule in the editor, a device on TCP crosses it, the operator
// acknowledges and shelves from the Alarms panel, a viewer sees it all without the buttons, and
// a flood raises its banner.

const TIMEOUT = 30_000
const RENDERER = join(__dirname, '../../out/renderer')
const RULE = 'boiler too hot'
/** What Chromium logs for a request the console refused (the refusals these tests ask for). */
const REFUSED_REQUEST = 'the server responded with a status of 400'

const consoles = consoleFixture()
afterAll(() => consoles.cleanup())

/** A browser page on the console, its errors collected, with what its canvases drew. */
async function openConsole(
  browser: Browser,
  url: string
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
  await openOnPanels(context)
  // A chart is drawn on a canvas: its limit lines' labels are read from fillText.
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
  page.setDefaultTimeout(10_000) // a wait that fails says what it waited for, within the test's time
  const errors = collectPageErrors(page)
  await page.goto(url)
  await page.getByTestId('alarm-bar').waitFor()
  return { context, page, errors }
}

/** Sends one report and waits for the console's ack of its seq: it is stored (and evaluated) by then. */
async function report(device: LineClient, body: Record<string, unknown>): Promise<void> {
  device.send(body)
  const replies = await device.waitForReplies(device.replies.length + 1)
  expect(replies.at(-1)).toEqual({ ack: body.seq })
}

/** The Alarms panel's row of the device's alarm (one rule here: one alarm per device). */
const alarmRow = (page: Page, device: string): Locator =>
  page
    .getByTestId('alarm-row')
    .filter({ has: page.locator('td bdi').filter({ hasText: new RegExp(`^${device}$`) }) })

/**
 * Expects no error on the page since the last look, but the console's refusals a test asked for
 * (Chromium logs each refused request); forgets those seen, for the next step's look.
 */
function expectNoErrors(errors: string[], refusalsAsked = false): void {
  const unexpected = errors.filter((e) => !(refusalsAsked && e.includes(REFUSED_REQUEST)))
  errors.length = 0
  expect(unexpected).toEqual([])
}

describe.runIf(chromiumAvailable())('alarms in a browser', () => {
  // One story, step by step: each test starts where the one before it ended.
  let c: RunningConsole
  let browser: Browser
  let device: LineClient
  let operator: { context: BrowserContext; page: Page; errors: string[] }
  let viewer: { context: BrowserContext; page: Page; errors: string[] } | undefined
  let seq = 0
  /** The console's clock runs this far behind the wall's while boiler-1's history is made. */
  let clockShift = 0

  beforeAll(async () => {
    // This host's own metrics, not the fixture's constants: the screenshots show a console.
    c = await consoles.start(
      {},
      { uiDir: RENDERER, metrics: systemMetrics, now: () => Date.now() + clockShift }
    )
    device = await LineClient.connect(c.addresses.ingest.port)
    // Twelve minutes of boiler-1's temperature, so that its chart has a line to draw the limit
    // over: reports stored at the console's clock, moved back and then forward report by report.
    for (let minutesAgo = 12; minutesAgo > 0; minutesAgo -= 0.25) {
      clockShift = -minutesAgo * 60_000
      const temp = 62 + 6 * Math.sin(minutesAgo / 1.5) + (12 - minutesAgo) / 2
      await report(device, { device: 'boiler-1', seq: ++seq, temp: Math.round(temp * 10) / 10 })
    }
    clockShift = 0
    await report(device, { device: 'boiler-1', seq: ++seq, temp: 70 })
    // boiler-2 is hot already: the rule's preview names it.
    await report(device, { device: 'boiler-2', seq: ++seq, temp: 95 })
    browser = await launchChromium()
    operator = await openConsole(browser, `${c.base}/?key=${ACCESS_KEY}`)
  }, 30_000)

  afterAll(async () => {
    device?.close()
    await browser?.close()
  })

  it(
    'makes a rule in the editor: the console’s refusal beside the field, a preview, the rule',
    async () => {
      const { page, errors } = operator
      await page.getByTestId('open-rules-header').click()
      const dialog = page.getByTestId('rules-dialog')
      await dialog.getByTestId('rule-new').click()
      await dialog.getByTestId('rule-name').fill(RULE)
      await dialog.getByTestId('rule-devices').fill('boiler-*')
      await dialog.getByTestId('rule-field').fill('temp')
      await dialog.getByTestId('rule-severity').selectOption('critical')
      await dialog.getByTestId('rule-commentRequired').check()
      // No limit: the console refuses, and says so beside the limit's input.
      await dialog.getByTestId('rule-save').click()
      const fault = dialog.getByTestId('rule-error-value')
      expect(await fault.textContent()).toBe('expected a number')
      expect(await dialog.getByTestId('rule-value').getAttribute('aria-invalid')).toBe('true')
      await screenshot(page, 'alarm-rules', '[data-testid=rules-dialog]')

      await dialog.getByTestId('rule-value').fill('80')
      await dialog.getByTestId('rule-preview').click()
      expect(await dialog.getByTestId('rule-preview-result').textContent()).toMatch(
        /^Would be active now on 1 of the 2 matching devices: boiler-2$/
      )
      expect(await fault.count()).toBe(0)
      await dialog.getByTestId('rule-save').click()
      const row = dialog.locator('[data-testid=rule-row]').filter({ hasText: RULE })
      await row.waitFor()
      expect(await row.textContent()).toContain('temp > 80')
      expect(await dialog.getByTestId('rule-form').count()).toBe(0)
      await page.keyboard.press('Escape')
      await dialog.waitFor({ state: 'detached' })
      expectNoErrors(errors, true)
    },
    TIMEOUT
  )

  it(
    'shows a device crossing the limit in the alarm bar and the devices list, to the viewer too',
    async () => {
      const { page, errors } = operator
      const count = page.getByTestId('alarm-count-critical')
      // boiler-2 reported 95 before the rule existed: the new rule is checked against what each
      // device last said, so it raises at once, without waiting for boiler-2's next report.
      await eventually(async () => (await count.textContent()) === '1', 'boiler-2 raised at once')
      expect(await page.getByTestId('newest-critical').textContent()).toBe(`${RULE} — boiler-2`)
      await page
        .locator('[data-testid=device-row][data-device=boiler-2][data-alarm=critical]')
        .waitFor()
      await report(device, { device: 'boiler-1', seq: ++seq, temp: 97 })
      await eventually(async () => (await count.textContent()) === '2', 'two critical alarms')
      expect(await page.getByTestId('newest-critical').textContent()).toBe(`${RULE} — boiler-1`)
      expect(await page.getByTestId('alarm-bar').getAttribute('class')).toContain('alarming')
      await page
        .locator('[data-testid=device-row][data-device=boiler-1][data-alarm=critical]')
        .waitFor()
      expect(await page.title()).toMatch(/^\(2\) /) // the tab's badge
      await screenshot(page, 'alarms-bar')

      viewer = await openConsole(browser, `${c.base}/?key=${VIEW_KEY}`)
      const seen = viewer.page
      expect(await seen.getByTestId('role').textContent()).toBe('Read-only')
      await eventually(
        async () => (await seen.getByTestId('alarm-count-critical').textContent()) === '2',
        'the viewer’s bar counting the critical alarms'
      )
      expect(await seen.getByTestId('newest-critical').textContent()).toBe(`${RULE} — boiler-1`)
      await seen
        .locator('[data-testid=device-row][data-device=boiler-1][data-alarm=critical]')
        .waitFor()
      expectNoErrors(errors)
      expectNoErrors(viewer.errors)
    },
    TIMEOUT
  )

  it(
    'acknowledges from the Alarms panel: refused without the comment, then acked, in the history',
    async () => {
      const { page, errors } = operator
      await page.getByTestId('open-alarms').click()
      const panel = page.getByTestId('alarms-panel')
      const row = alarmRow(page, 'boiler-1')
      expect(await row.getAttribute('data-state')).toBe('active-unacked')
      await row.getByTestId('alarm-ack').click()
      const form = panel.getByTestId('ack-form')
      await form.getByTestId('ack-form-submit').click()
      expect(await form.getByTestId('alarm-action-error').textContent()).toBe(
        'Refused: comment: required by this rule'
      )
      expect(await row.getAttribute('data-state')).toBe('active-unacked')

      await form.getByTestId('ack-comment').fill('burner checked, coming down')
      await form.getByTestId('ack-form-submit').click()
      await form.waitFor({ state: 'detached' })
      await row.and(page.locator('[data-state=active-acked]')).waitFor()
      const acked = await row.locator('td').nth(7).textContent()
      expect(acked).toMatch(/^operator, .+burner checked, coming down$/)
      await eventually(
        async () => (await page.getByTestId('alarm-count-critical').textContent()) === '1',
        'the bar’s count dropping to 1'
      )
      // The one still owed an acknowledgement is named now.
      expect(await page.getByTestId('newest-critical').textContent()).toBe(`${RULE} — boiler-2`)
      // Still active, still marked in the devices list.
      expect(
        await page
          .locator('[data-testid=device-row][data-device=boiler-1]')
          .getAttribute('data-alarm')
      ).toBe('critical')

      // Its history, from the audit trail: raised, then acknowledged by the operator.
      await row.locator('td').nth(2).click()
      const history = panel.getByTestId('alarm-history')
      await history.locator('[data-type=acked]').waitFor()
      const events = history.getByTestId('alarm-event')
      expect(await events.evaluateAll((li) => li.map((e) => e.getAttribute('data-type')))).toEqual([
        'acked',
        'raised'
      ])
      expect(await history.locator('[data-type=acked]').textContent()).toMatch(
        /acknowledged operator \(api\) — burner checked, coming down$/
      )
      expectNoErrors(errors, true)
    },
    TIMEOUT
  )

  it(
    'lists an acked and an unacked alarm; the viewer sees both without a button; one is shelved',
    async () => {
      const { page, errors } = operator
      await report(device, { device: 'boiler-2', seq: ++seq, temp: 96 })
      const second = alarmRow(page, 'boiler-2')
      await second.and(page.locator('[data-state=active-unacked]')).waitFor()
      // Owed an acknowledgement first.
      expect(
        await page
          .getByTestId('alarm-row')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')))
      ).toEqual(['active-unacked', 'active-acked'])
      // The statistics are asked for as the panel opens: opened again for the picture, with the
      // first alarm's history.
      await page.keyboard.press('Escape')
      await page.getByTestId('open-alarms').click()
      await page.getByTestId('alarm-stats').getByText('Raised in 10 min: 2 (peak 2)').waitFor()
      await alarmRow(page, 'boiler-1').locator('td').nth(2).click()
      await page.getByTestId('alarm-history').locator('[data-type=acked]').waitFor()
      await screenshot(page, 'alarms-panel', '[data-testid=alarms-panel]')

      const seen = viewer!.page
      await seen.getByTestId('open-alarms').click()
      const panel = seen.getByTestId('alarms-panel')
      await alarmRow(seen, 'boiler-2').and(seen.locator('[data-state=active-unacked]')).waitFor()
      await alarmRow(seen, 'boiler-1').and(seen.locator('[data-state=active-acked]')).waitFor()
      expect(await panel.getByText('Acknowledging and shelving need the access key.').count()).toBe(
        1
      )
      for (const button of [
        'alarm-ack',
        'alarm-shelve',
        'alarm-unshelve',
        'alarm-silence',
        'open-rules'
      ])
        expect(await seen.getByTestId(button).count(), button).toBe(0)
      expect(await seen.getByTestId('open-rules-header').count()).toBe(0)
      expect(await panel.getByRole('button').allTextContents()).toEqual(['Close'])
      await screenshot(seen, 'alarms-viewer', '[data-testid=alarms-panel]')

      // The operator shelves the second for 30 minutes; the viewer sees it shelved.
      await second.getByTestId('alarm-shelve').click()
      const form = page.getByTestId('shelve-form')
      await form.getByTestId('shelve-minutes').fill('30')
      await form.getByTestId('shelve-comment').fill('sensor being replaced')
      const asked = Date.now()
      await form.getByTestId('shelve-form-submit').click()
      await second.and(page.locator('[data-state=shelved]')).waitFor()
      expect(await second.getByTestId('alarm-unshelve').count()).toBe(1)
      await alarmRow(seen, 'boiler-2').and(seen.locator('[data-state=shelved]')).waitFor()
      const { body: alarms } = await api(c, '/api/alarms')
      const shelved = (alarms as Alarm[]).find((a) => a.device === 'boiler-2')!
      expect(shelved.shelvedUntil! - asked).toBeGreaterThanOrEqual(30 * 60_000 - 1000)
      expect(shelved.shelvedUntil! - Date.now()).toBeLessThanOrEqual(30 * 60_000)
      expect(await second.locator('td').nth(1).textContent()).toBe('Shelved')
      expect(await page.getByTestId('alarm-count-critical').textContent()).toBe('0')
      expectNoErrors(errors)
      expectNoErrors(viewer!.errors)
    },
    TIMEOUT
  )

  it(
    'draws the rule’s limit on the device’s chart, and lists its alarm there',
    async () => {
      const { page, errors } = operator
      await page.keyboard.press('Escape')
      await page.getByTestId('alarms-panel').waitFor({ state: 'detached' })
      await report(device, { device: 'boiler-1', seq: ++seq, temp: 93 })
      await page.locator('[data-testid=device-row][data-device=boiler-1]').click()
      const detail = page.getByTestId('device-detail')
      await detail.getByTestId('device-chart').and(page.locator('[data-series="1"]')).waitFor()
      await eventually(
        () =>
          page.evaluate((label) => (globalThis as any).__drawnText.includes(label), `${RULE} > 80`),
        'the limit line’s label drawn on the chart'
      )
      const alarm = detail.getByTestId('device-alarm')
      expect(await alarm.getAttribute('data-state')).toBe('active-acked')
      expect(await alarm.textContent()).toContain(RULE)
      await screenshot(page, 'alarm-limits')
      expectNoErrors(errors)
    },
    TIMEOUT
  )
})

describe.runIf(chromiumAvailable())('an alarm flood in a browser', () => {
  it(
    'shows the flood banner when more alarms raise than the flood threshold',
    async () => {
      const c = await consoles.start({ alarmFloodThreshold: 3 }, { uiDir: RENDERER })
      const created = await api(c, '/api/alarm-rules', {
        method: 'POST',
        body: JSON.stringify({
          name: 'pump hot',
          devices: 'pump-*',
          field: 'temp',
          above: 80,
          severity: 'high'
        })
      })
      expect(created.status).toBe(201)
      const browser = await launchChromium()
      const device = await LineClient.connect(c.addresses.ingest.port)
      try {
        const { page, errors } = await openConsole(browser, `${c.base}/?key=${ACCESS_KEY}`)
        expect(await page.getByTestId('flood-banner').count()).toBe(0)
        for (let i = 1; i <= 5; i++) await report(device, { device: `pump-${i}`, seq: i, temp: 90 })
        const banner = page.getByTestId('flood-banner')
        await banner.waitFor()
        // Its count follows each raise of the flood.
        await eventually(
          async () =>
            (await banner.textContent()) ===
            'Alarm flood: 5 alarms in 10 min; first out: pump hot — pump-1',
          'the banner counting all five'
        )
        await eventually(
          async () => (await page.getByTestId('alarm-count-high').textContent()) === '5',
          'five high alarms counted'
        )
        await screenshot(page, 'alarms-flood', '.alarm-bar-area')
        expectNoErrors(errors)
      } finally {
        device.close()
        await browser.close()
      }
    },
    TIMEOUT
  )
})
