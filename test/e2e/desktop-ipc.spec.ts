import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'

import { build } from 'esbuild'
import type { IpcMainInvokeEvent } from 'electron'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { createConsoleHandlers } from '../../src/main/console-handlers'
import { resolveConfig } from '../../src/main/core/config'
import { LookoutConsole } from '../../src/main/core/console'
import { describeStartFailure } from '../../src/main/core/runtime/start-failure'
import { registerIpcHandlers, type WindowSender } from '../../src/main/ipc'
import type { ConsoleStatus } from '../../src/shared/ipc-contract'
import type { PushMessage } from '../../src/shared/push-events'
import {
  chromiumAvailable,
  collectPageErrors,
  launchChromium,
  openOnPanels,
  routeBuiltRenderer,
  screenshot
} from '../support/browser'
import { eventually, pushClient, startConsole, type RunningConsole } from '../support/console'
import { FakeIpcMain } from '../support/electron-fake'
import { LineClient, reportOnce } from '../support/line-client'
import { tempDirs } from '../support/temp-dir'

// The desktop window's path, end to end: the built renderer in Chromium, with the real preload
// (bundled with `electron` replaced by a shim that carries IPC over Playwright), driving the
// real main-process handlers over a real console core.

const RENDERER = join(__dirname, '../../out/renderer')
const ORIGIN = 'http://lookout.desktop'
const dirs = tempDirs()

/** The real preload, bundled for the page with the shim in place of `electron`. */
async function testPreload(): Promise<string> {
  const result = await build({
    entryPoints: [join(__dirname, '../../src/preload/index.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    alias: { electron: join(__dirname, 'support/electron-page-shim.ts') }
  })
  return result.outputFiles[0]!.text
}

/** A window: the built renderer at a fake origin, its IPC answered by `ipcMain`'s handlers. */
async function openWindow(browser: Browser, ipcMain: FakeIpcMain, preload: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  page.setDefaultTimeout(10_000) // a wait that fails says what it waited for, within the test's time
  await openOnPanels(page)
  await routeBuiltRenderer(page, ORIGIN)
  const sender: WindowSender = {
    id: 1,
    send: (channel, payload) =>
      void page
        .evaluate(([c, p]) => (globalThis as any).__lookoutEmit(c, p), [channel, payload] as const)
        .catch(() => undefined), // the page may be closing
    isDestroyed: () => page.isClosed(),
    once: (_event, listener) => page.once('close', listener)
  }
  await page.exposeFunction('__lookoutInvoke', (channel: string, args: unknown[]) => {
    const handler = ipcMain.handlers.get(channel)
    if (handler === undefined) throw new Error(`no handler for ${channel}`)
    return handler({ sender } as unknown as IpcMainInvokeEvent, ...args)
  })
  await page.addInitScript(preload)
  return page
}

describe.runIf(chromiumAvailable())('the desktop window over IPC', () => {
  let browser: Browser
  let preload: string
  let c: RunningConsole | undefined
  const clipboard = { text: '', writeText: (text: string) => void (clipboard.text = text) }
  let status: ConsoleStatus = { state: 'starting' }

  beforeAll(async () => {
    ;[browser, preload] = await Promise.all([launchChromium(), testPreload()])
    // The renderer's own bundle must exist: `npm test` builds before it runs the tests.
    await readFile(join(RENDERER, 'index.html'))
  })
  afterAll(async () => {
    await browser?.close()
    await dirs.cleanup()
  })
  afterEach(async () => {
    await c?.stop()
    c = undefined
  })

  async function desktop(): Promise<{ page: Page; errors: string[]; c: RunningConsole }> {
    const started = await startConsole(await dirs.make())
    c = started
    status = { state: 'running', info: c.core.operations.info(), dataDir: c.dataDir }
    const ipcMain = new FakeIpcMain()
    registerIpcHandlers(
      ipcMain,
      createConsoleHandlers({ operations: c.core.operations, status: () => status, clipboard })
    )
    const page = await openWindow(browser, ipcMain, preload)
    const errors = collectPageErrors(page)
    await page.goto(`${ORIGIN}/index.html`)
    return { page, errors, c: started }
  }

  it('shows the local console live, and a device reporting over TCP', async () => {
    const { page, errors, c } = await desktop()
    await page.getByTestId('link-state').and(page.locator('[data-state=live]')).waitFor()
    expect(await page.getByTestId('link-state').textContent()).toBe('Local console')
    expect(await page.getByTestId('role').textContent()).toBe('Operator')
    expect(await page.getByTestId('ingest-address').textContent()).toBe(
      `TCP 127.0.0.1:${c.addresses.ingest.port}`
    )
    const device = await LineClient.connect(c.addresses.ingest.port)
    try {
      device.send({ device: 'pump-7', seq: 1, flow: 12.5 }, { device: 'pump-7', seq: 2, flow: 13 })
      await device.waitForReplies(2)
      await page.locator('[data-testid=device-row][data-device=pump-7][data-online=true]').waitFor()
      await eventually(
        async () => (await page.getByTestId('feed-row').count()) === 2,
        'both reports in the feed'
      )
      expect(await page.getByTestId('feed-row').first().textContent()).toContain('flow=13')
      // The core's sampler feeds the chart over IPC too: one series per core of its source.
      await page.getByTestId('cpu-chart').and(page.locator('[data-series="2"]')).waitFor()
      await screenshot(page, 'desktop-window')
    } finally {
      device.close()
    }
    expect(errors).toEqual([])
  })

  it('copies the read-only URL through the main process, and sends a message to a push client', async () => {
    const { page, errors, c } = await desktop()
    await page.getByRole('button', { name: 'Copy' }).click()
    await eventually(async () => clipboard.text !== '', 'the clipboard written')
    expect(clipboard.text).toBe(c.addresses.viewUrl)

    const phone = pushClient(c)
    const received: PushMessage[] = []
    phone.on('message', (message: PushMessage, ack: () => void) => {
      received.push(message)
      ack()
    })
    phone.emit('register', { uid: 'tablet-3' })
    try {
      await page.locator('[data-testid=client-row][data-uid=tablet-3][data-online=true]').waitFor()
      await page.getByTestId('send-text').fill('pump 7 needs a look')
      await page.getByRole('button', { name: 'Send', exact: true }).click()
      await eventually(async () => received.length === 1, 'the push client receiving it')
      expect(received[0]).toMatchObject({ data: 'pump 7 needs a look', broadcast: true })
      await page
        .locator('[data-testid=delivery-state][data-uid=tablet-3][data-state=delivered]')
        .waitFor()
    } finally {
      phone.disconnect()
    }
    expect(errors).toEqual([])
  })

  it('keeps 100,000 reports in a virtualized feed: pause, filter, expand', async () => {
    const { page, errors } = await desktop()
    await page.getByTestId('link-state').and(page.locator('[data-state=live]')).waitFor()
    // Live batches as the main process sends them, straight into the window's IPC.
    const emit = (from: number, count: number) =>
      page.evaluate(
        ([from, count]) => {
          const batch = []
          for (let i = from; i < from + count; i++)
            batch.push({
              _id: `r${i}`,
              device: `tank-${i % 10}`,
              seq: i,
              time: 1_790_000_000_000 + i,
              identity: 'anonymous',
              level: i % 100
            })
          ;(globalThis as any).__lookoutEmit('live:reports', batch)
        },
        [from, count] as const
      )
    for (let i = 0; i < 20; i++) await emit(i * 5000 + 1, 5000)
    await page.evaluate(() => {
      const devices = Array.from({ length: 10 }, (_, i) => ({
        id: `tank-${i}`,
        identity: 'anonymous',
        firstSeen: 1_790_000_000_000,
        lastSeen: Date.now(),
        reports: 10_000,
        online: true,
        reportsPerMinute: 0
      }))
      ;(globalThis as any).__lookoutEmit('live:devices', devices)
    })
    await eventually(
      async () => (await page.getByTestId('feed-count').textContent()) === '100,000 reports kept',
      'the feed holding 100,000 reports'
    )
    const rows = page.getByTestId('feed-row')
    expect(await rows.count()).toBeLessThan(80) // only the rows in sight exist
    expect(await rows.first().textContent()).toMatch(/level=0$/) // seq 100000, the newest
    await page.getByTestId('feed-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight))
    await page
      .getByTestId('feed-row')
      .filter({ hasText: /level=1$/ })
      .last()
      .waitFor()
    await page.getByTestId('feed-scroll').evaluate((el) => (el.scrollTop = 0))

    // Paused, the rows stay put and the new ones are counted.
    await page.getByTestId('feed-pause').click()
    await emit(100_001, 3)
    await page.getByTestId('feed-pause').getByText('3 new').waitFor()
    expect(await rows.first().textContent()).toMatch(/level=0$/)
    await page.getByTestId('feed-pause').click()
    await eventually(
      async () => /level=3$/.test((await rows.first().textContent()) ?? ''),
      'the newest report on top after resuming'
    )

    // One device only, and a row opened to its whole JSON.
    const picker = page.getByRole('combobox', { name: 'Show device' })
    await picker.fill('tank-7')
    await picker.press('Enter')
    await eventually(async () => (await picker.inputValue()) === 'tank-7', 'tank-7 picked')
    const devices = await rows.evaluateAll((els) =>
      els.map((el) => el.querySelector('.device')?.textContent)
    )
    expect(new Set(devices)).toEqual(new Set(['tank-7']))
    await rows.first().getByRole('button').click()
    const json = JSON.parse((await rows.first().locator('pre').textContent())!)
    expect(json).toMatchObject({ device: 'tank-7', _id: expect.any(String) })
    expect(errors).toEqual([])
  })

  it('makes, copies and revokes a device token in the Devices settings', async () => {
    const { page, errors, c } = await desktop()
    await page.getByTestId('open-tokens').click()
    const dialog = page.getByTestId('tokens-dialog')
    // The switch shows the console's state: it turns once the console has taken the change.
    await dialog.getByTestId('tokens-required').click()
    await eventually(
      async () => dialog.getByTestId('tokens-required').isChecked(),
      'tokens required'
    )
    await dialog.getByTestId('token-identity').fill('line-9')
    await dialog.getByTestId('token-devices').fill('plc-9*')
    await dialog.getByRole('button', { name: 'Make a token' }).click()
    const token = (await dialog.getByTestId('token-value').textContent())!
    expect(token).toMatch(/^[\w-]{32}$/)
    await dialog.getByTestId('token-created').getByRole('button', { name: 'Copy' }).click()
    await eventually(async () => clipboard.text === token, 'the token on the clipboard')
    await dialog.locator('[data-testid=token-row][data-identity=line-9]').waitFor()
    await screenshot(page, 'desktop-device-tokens')

    const send = (fields: Record<string, unknown>) =>
      reportOnce(c.addresses.ingest.port, { seq: 1, ...fields })
    expect(await send({ device: 'plc-9a', auth: token })).toEqual({ ack: 1 })
    expect(await send({ device: 'plc-9a' })).toMatchObject({ error: 'unauthorized' })

    await dialog.getByRole('button', { name: 'Revoke' }).click()
    await dialog.getByText('No token made here yet.').waitFor()
    expect(await send({ device: 'plc-9a', auth: token })).toMatchObject({
      error: 'unauthorized',
      message: 'unknown device token'
    })
    // The full token was on screen once; the list shows its hint only.
    await page.keyboard.press('Escape')
    expect(await page.content()).not.toContain(token)
    expect(errors).toEqual([])
  })

  it('says which port is taken and what to look for when the console cannot start', async () => {
    const squatter: Server = createServer()
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve))
    const port = (squatter.address() as { port: number }).port
    const config = resolveConfig({
      host: '127.0.0.1',
      ingestPort: port,
      webPort: 0,
      dataDir: await dirs.make()
    })
    const core = new LookoutConsole(config)
    try {
      await core.start()
      throw new Error('the console started on a taken port')
    } catch (error) {
      status = { state: 'failed', ...describeStartFailure(error, { ingest: port, web: 0 }) }
    } finally {
      squatter.close()
    }
    const ipcMain = new FakeIpcMain()
    registerIpcHandlers(
      ipcMain,
      createConsoleHandlers({ operations: core.operations, status: () => status, clipboard })
    )
    const page = await openWindow(browser, ipcMain, preload)
    await page.goto(`${ORIGIN}/index.html`)
    const notice = page.getByTestId('failed')
    await notice.waitFor()
    expect(await notice.textContent()).toContain(
      `ingest port ${port} (--ingest-port) is already in use`
    )
    expect(await notice.textContent()).toContain(`sport = :${port}`)
    await screenshot(page, 'desktop-port-taken')
  })
})
