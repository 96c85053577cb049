import { cpus } from 'node:os'

import type { Browser, BrowserContext, Page } from 'playwright-core'
import { io } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import type { PushMessage } from '../../src/shared/push-events'
import {
  chromiumAvailable,
  collectPageErrors,
  launchChromium,
  openOnPanels,
  screenshot
} from '../support/browser'
import {
  CLI,
  spawnCaptured,
  type CapturedProcess,
  startServe,
  type ServeProcess
} from '../support/cli-process'
import { eventually } from '../support/console'
import { freePort } from '../support/free-port'
import { tempDirs } from '../support/temp-dir'

// The console UI in Debian's Chromium, served by `lookout serve`, fed by `lookout simulate`.

const TIMEOUT = 20_000
const dirs = tempDirs()
afterAll(() => dirs.cleanup())

async function stop(p: Pick<CapturedProcess, 'proc' | 'exited'>): Promise<void> {
  p.proc.kill('SIGTERM')
  await p.exited
}

describe.runIf(chromiumAvailable())('the console in a browser', () => {
  let serve: ServeProcess
  let simulator: ReturnType<typeof spawnCaptured>
  let browser: Browser
  let context: BrowserContext | null = null
  const keyOf = (url: string): string => new URL(url).searchParams.get('key')!
  let viewUrl: string

  beforeAll(async () => {
    serve = await startServe(await dirs.make(), ['--offline-after', '2'])
    viewUrl = /^view: (.*)$/m.exec(serve.stdout())![1]!
    simulator = simulate(serve.ingestPort, ['--devices', '3', '--rate', '4', '--prefix', 'plc'])
    browser = await launchChromium()
  }, 30_000)

  afterAll(async () => {
    await browser?.close()
    if (simulator) await stop(simulator)
    if (serve) await stop(serve)
  })

  afterEach(async () => {
    await context?.close()
    context = null
  })

  async function open(url: string): Promise<{ page: Page; errors: string[] }> {
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    await openOnPanels(context)
    const page = await context.newPage()
    page.setDefaultTimeout(10_000) // a wait that fails says what it waited for, within the test's time
    const errors = collectPageErrors(page)
    await page.goto(url)
    return { page, errors }
  }

  it(
    'opens with the access key, moves it out of the address bar, and shows devices as they report',
    async () => {
      const { page, errors } = await open(serve.url)
      await page.locator('[data-testid=device-row][data-online=true]').nth(2).waitFor()
      expect(page.url()).not.toContain('key=')
      expect(await page.evaluate(() => sessionStorage.getItem('lookout.key'))).toBe(
        keyOf(serve.url)
      )
      expect(await page.getByTestId('ingest-address').textContent()).toBe(
        `TCP 127.0.0.1:${serve.ingestPort}`
      )
      expect(await page.getByTestId('role').textContent()).toBe('Operator')
      // The view URL is masked until asked for, and then it is the view key's.
      expect(await page.getByTestId('view-url').textContent()).not.toContain(keyOf(viewUrl))
      await page.getByRole('button', { name: 'Show' }).click()
      expect(await page.getByTestId('view-url').textContent()).toBe(viewUrl)
      await page.getByRole('button', { name: 'Hide' }).click()

      const devices = await page
        .locator('[data-testid=device-row]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-device')))
      expect(devices).toEqual(['plc-1', 'plc-2', 'plc-3'])
      await eventually(
        async () => (await page.getByTestId('count-devices').textContent()) === '3 / 3',
        'the header counts 3 of 3 devices online'
      )
      await page.getByTestId('feed-row').first().waitFor()
      const newest = await page.getByTestId('feed-row').first().textContent()
      expect(newest).toMatch(/plc-\d/)

      await page.waitForTimeout(1500) // a couple of host samples for the picture
      await screenshot(page, 'panel-devices', '[data-testid=devices-panel]')
      await screenshot(page, 'panel-feed', '[data-testid=feed-panel]')
      await screenshot(page, 'panel-host', '[data-testid=host-panel]')
      expect(errors).toEqual([])
    },
    TIMEOUT
  )

  it(
    'draws one CPU series per core and moves it every second',
    async () => {
      const { page, errors } = await open(serve.url)
      const chart = page.getByTestId('cpu-chart')
      await chart.and(page.locator('[data-series]')).waitFor()
      expect(Number(await chart.getAttribute('data-series'))).toBe(cpus().length)
      const first = Number(await chart.getAttribute('data-last-time'))
      const canvas = await chart.locator('canvas').first().elementHandle()
      await eventually(
        async () => Number(await chart.getAttribute('data-last-time')) >= first + 2000,
        'the CPU chart advancing by two samples'
      )
      // Updated in place: the chart's canvas is the one it started with, not a new chart.
      expect(await canvas!.evaluate((c) => c.isConnected)).toBe(true)
      // Its tooltip draws within the page's CSP (no inline styles): hovering raises no error.
      await chart.hover()
      await page.waitForTimeout(300)
      expect(errors).toEqual([])
    },
    TIMEOUT
  )

  it(
    'draws the CPU chart’s time labels apart at 1440 px, and still as the window narrows',
    async () => {
      // Found in review: at 1440 px they ran into each other (`18:49:1518:49:20…`).
      const { page, errors } = await open(serve.url)
      const chart = page.getByTestId('cpu-chart')
      await chart.and(page.locator('[data-x-labels]')).waitFor()
      for (const width of [1440, 1100, 700]) {
        await page.setViewportSize({ width, height: 900 })
        // The labels read are those of a drawing at the chart's new size (drawn at once when it
        // resizes), not of one before it.
        await eventually(
          () => chart.evaluate((e) => e.dataset.drawnWidth === String(e.clientWidth)),
          `the CPU chart drawn at its size at ${width} px`
        )
        const labels = JSON.parse((await chart.getAttribute('data-x-labels')) ?? '[]') as Array<
          [number, number]
        >
        expect(labels.length, `${width} px`).toBeGreaterThanOrEqual(3)
        for (let i = 1; i < labels.length; i++)
          expect(labels[i]![0], `${width} px: ${JSON.stringify(labels)}`).toBeGreaterThan(
            labels[i - 1]![1]
          )
      }
      await screenshot(page, 'cpu-chart-700', '[data-testid=host-panel]')
      expect(errors).toEqual([])
    },
    TIMEOUT
  )

  it(
    'turns a device offline when its simulator stops, visibly',
    async () => {
      const { page, errors } = await open(serve.url)
      const gone = simulate(serve.ingestPort, [
        '--devices',
        '1',
        '--rate',
        '5',
        '--prefix',
        'gone',
        '--duration',
        '2'
      ])
      try {
        const row = page.locator('[data-testid=device-row][data-device=gone-1]')
        await row.and(page.locator('[data-online=true]')).waitFor()
        await row.and(page.locator('[data-online=false]')).waitFor({ timeout: 10_000 })
        expect(await row.getAttribute('class')).toContain('stale')
        expect(await row.getByRole('img').getAttribute('aria-label')).toBe('Offline')
        await screenshot(page, 'device-offline', '[data-testid=devices-panel]')
      } finally {
        await stop(gone)
      }
      expect(errors).toEqual([])
    },
    TIMEOUT
  )

  it(
    'opens a device: a chart of a numeric field from the history API, and its latest report',
    async () => {
      const { page, errors } = await open(serve.url)
      await page.locator('[data-testid=device-row][data-device=plc-2]').click()
      const detail = page.getByTestId('device-detail')
      await detail.getByTestId('device-chart').and(page.locator('[data-series="1"]')).waitFor()
      expect(await detail.getByRole('combobox').first().inputValue()).toBe('temperature')
      expect(JSON.parse((await detail.getByTestId('latest-report').textContent())!)).toMatchObject({
        device: 'plc-2',
        identity: 'anonymous'
      })
      await screenshot(page, 'device-detail')
      await page.keyboard.press('Escape')
      await detail.waitFor({ state: 'detached' })
      expect(errors).toEqual([])
    },
    TIMEOUT
  )

  it(
    'sends a message from the form to a socket.io push client and shows its delivery',
    async () => {
      const phone = io(`http://127.0.0.1:${serve.webPort}/push`, {
        transports: ['websocket'],
        forceNew: true
      })
      const received: PushMessage[] = []
      phone.on('message', (message: PushMessage, ack: () => void) => {
        received.push(message)
        ack()
      })
      phone.emit('register', { uid: 'phone-1', name: 'Shift phone' })
      try {
        const { page, errors } = await open(serve.url)
        await page.locator('[data-testid=client-row][data-uid=phone-1][data-online=true]').waitFor()
        // The "To" picker lists the clients matching what is typed, uid and name.
        await page.getByTestId('send-to').fill('shift')
        const option = page.getByRole('listbox', { name: 'To' }).getByRole('option')
        await option.and(page.locator('[data-id=phone-1]')).click()
        expect(await page.getByTestId('send-to').inputValue()).toBe('phone-1')
        await page.getByTestId('send-text').fill('{"alarm":"boiler 2 over temperature"}')
        await page.getByRole('button', { name: 'Send', exact: true }).click()
        await eventually(async () => received.length === 1, 'the push client receiving the message')
        expect(received[0]).toMatchObject({
          data: { alarm: 'boiler 2 over temperature' },
          broadcast: false
        })
        await page
          .locator('[data-testid=delivery-state][data-uid=phone-1][data-state=delivered]')
          .waitFor()
        await screenshot(page, 'panel-push', '[data-testid=push-panel]')
        expect(errors).toEqual([])
      } finally {
        phone.disconnect()
      }
    },
    TIMEOUT
  )

  it(
    'refuses a wrong key with a form, and with the view key shows the console read-only',
    async () => {
      const base = `http://127.0.0.1:${serve.webPort}/`
      const { page, errors } = await open(`${base}?key=not-the-key`)
      await page.getByTestId('key-error').waitFor()
      expect(await page.getByTestId('key-error').textContent()).toBe('That key is wrong.')
      expect(page.url()).toBe(base)
      await screenshot(page, 'key-form')
      await page.getByTestId('key-input').fill(keyOf(viewUrl))
      await page.getByRole('button', { name: 'Open' }).click()
      await page.locator('[data-testid=device-row]').first().waitFor()
      expect(await page.getByTestId('role').textContent()).toBe('Read-only')
      expect(await page.getByTestId('send-form').count()).toBe(0)
      expect(await page.content()).not.toContain(keyOf(serve.url))
      // The one console error is the refused handshake's; nothing else went wrong.
      expect(errors.filter((e) => !e.includes('wrong key'))).toEqual([])
    },
    TIMEOUT
  )

  it(
    'follows the OS into the dark theme',
    async () => {
      context = await browser.newContext({
        viewport: { width: 1440, height: 900 },
        colorScheme: 'dark'
      })
      await openOnPanels(context)
      const page = await context.newPage()
      const errors = collectPageErrors(page)
      await page.goto(serve.url)
      await page.locator('[data-testid=device-row]').first().waitFor()
      const background = await page
        .locator('.panel')
        .first()
        .evaluate((el) => (globalThis as any).getComputedStyle(el).backgroundColor)
      expect(background).toBe('rgb(22, 27, 34)')
      await page.waitForTimeout(1000)
      await screenshot(page, 'console-dark')
      await page.emulateMedia({ colorScheme: 'light' })
      await page.waitForTimeout(300)
      // The README's picture: taken here, when the host chart has some seconds of history.
      await screenshot(page, 'console')
      expect(
        await page
          .locator('.panel')
          .first()
          .evaluate((el) => (globalThis as any).getComputedStyle(el).backgroundColor)
      ).toBe('rgb(255, 255, 255)')
      expect(errors).toEqual([])
    },
    TIMEOUT
  )

  it(
    'follows the browser’s language: Simplified Chinese for a zh-CN browser',
    async () => {
      context = await browser.newContext({ locale: 'zh-CN' })
      await openOnPanels(context)
      const page = await context.newPage()
      await page.goto(serve.url)
      await page.getByRole('heading', { name: '设备' }).waitFor()
      expect(await page.locator('html').getAttribute('lang')).toBe('zh')
    },
    TIMEOUT
  )

  it(
    'speaks Simplified Chinese when asked, and remembers it',
    async () => {
      const { page, errors } = await open(serve.url)
      await page.locator('[data-testid=device-row]').first().waitFor()
      await page.getByRole('combobox', { name: 'Language' }).selectOption('zh')
      await page.getByRole('heading', { name: '设备' }).waitFor()
      expect(await page.getByRole('heading', { name: '报告流' }).count()).toBe(1)
      expect(await page.locator('html').getAttribute('lang')).toBe('zh')
      await screenshot(page, 'console-zh')
      await page.reload()
      await page.getByRole('heading', { name: '设备' }).waitFor()
      expect(errors).toEqual([])
    },
    TIMEOUT
  )
})

describe.runIf(chromiumAvailable())('a browser whose link drops', () => {
  it('says the data is stale while the console is gone, and shows a fresh snapshot when it is back', async () => {
    const dir = await dirs.make()
    const ports = [
      '--ingest-port',
      String(await freePort()),
      '--web-port',
      String(await freePort())
    ]
    let serve = await startServe(dir, ports)
    const browser = await launchChromium()
    try {
      const page = await browser.newPage()
      await openOnPanels(page)
      await page.goto(serve.url)
      await page.getByTestId('link-state').and(page.locator('[data-state=live]')).waitFor()
      await stop(serve)
      await page.getByTestId('stale-banner').waitFor({ timeout: 10_000 })
      expect(await page.locator('.console').getAttribute('data-link')).toBe('reconnecting')
      // Every count in the header is marked stale, with its age on hover.
      const tiles = page.locator('.tile')
      expect(
        await tiles.evaluateAll((els) => els.map((e) => e.getAttribute('data-stale')))
      ).toEqual(['true', 'true', 'true', 'true'])
      expect(await tiles.first().getAttribute('title')).toMatch(/^Data from /)
      await screenshot(page, 'link-lost')

      serve = await startServe(dir, ports)
      const device = simulate(serve.ingestPort, [
        '--devices',
        '1',
        '--rate',
        '5',
        '--prefix',
        'back',
        '--duration',
        '3'
      ])
      try {
        await page
          .getByTestId('link-state')
          .and(page.locator('[data-state=live]'))
          .waitFor({ timeout: 10_000 })
        expect(await page.getByTestId('stale-banner').count()).toBe(0)
        await page.locator('[data-testid=device-row][data-device=back-1]').waitFor()
      } finally {
        await stop(device)
      }
    } finally {
      await browser.close()
      await stop(serve)
    }
  }, 40_000)
})

describe.runIf(chromiumAvailable())('a browser whose address is throttled', () => {
  it('keeps its key, says it is throttled and that it will retry, instead of asking for the key', async () => {
    const serve = await startServe(await dirs.make())
    const browser = await launchChromium()
    try {
      // Someone at the same address (or behind the same NAT) guesses keys: it is throttled.
      for (let i = 0; i < 10; i++)
        await fetch(`http://127.0.0.1:${serve.webPort}/api/devices`, {
          headers: { authorization: 'Bearer guess-guess-guess' }
        })
      // The display (re)opens meanwhile, with the right key.
      const page = await browser.newPage()
      await page.goto(serve.url)
      await page.getByTestId('throttled').waitFor({ timeout: 20_000 })
      expect(await page.getByTestId('throttled').textContent()).toMatch(
        /Too many wrong keys from this address.*Trying again by itself in \d+ s/
      )
      expect(await page.getByTestId('key-form').count()).toBe(0)
      expect(await page.evaluate(() => sessionStorage.getItem('lookout.key'))).toBe(
        new URL(serve.url).searchParams.get('key')
      )
    } finally {
      await browser.close()
      await stop(serve)
    }
  }, 30_000)
})

function simulate(port: number, args: string[]): ReturnType<typeof spawnCaptured> {
  return spawnCaptured(process.execPath, [
    CLI,
    'simulate',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    ...args
  ])
}
