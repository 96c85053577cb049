import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import {
  chromiumAvailable,
  collectPageErrors,
  launchChromium,
  screenshot
} from '../support/browser'
import { ACCESS_KEY, consoleFixture, type RunningConsole } from '../support/console'
import { freePort } from '../support/free-port'
import {
  modbusVector,
  startModbusServer,
  type ModbusVector,
  type RunningModbusServer
} from '../support/modbus-server'

// The Sources dialog in Debian's Chromium, over a console core in this process that serves the
// built renderer, and a real Modbus TCP server (modbus-serial's ServerTCP) on 127.0.0.1: an
// operator adds a Modbus source through the dialog, it connects and its device's readings
// arrive; the server stops and the UI says error, and why; it comes back and so does the source.
// Beside it, a source of the sources file whose device is not there: listed, failing, read-only.

const TIMEOUT = 30_000
const RENDERER = join(__dirname, '../../out/renderer')

const consoles = consoleFixture()
afterAll(() => consoles.cleanup())

describe.runIf(chromiumAvailable())('sources in a browser', () => {
  // One story, step by step: each test starts where the one before it ended.
  let c: RunningConsole
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let errors: string[]
  let vector: ModbusVector
  let port: number
  let server: RunningModbusServer | undefined

  const dialog = (): Locator => page.getByTestId('sources-dialog')
  const row = (): Locator => dialog().locator('[data-testid=source-row][data-source="tank-3"]')
  const reading = (field: string): Locator =>
    page.locator(
      `[data-testid=device-tile][data-device="tank-3"] [data-testid=tile-value][data-field="${field}"] [data-testid=tile-reading]`
    )

  beforeAll(async () => {
    vector = modbusVector()
    vector.holding.set(0, 215)
    port = await freePort()
    server = await startModbusServer(vector, port)
    // A port nobody listens on: the file's source is refused at each try.
    const nobody = await freePort()
    const dir = await consoles.dirs.make()
    const file = join(dir, 'sources.json')
    await writeFile(
      file,
      JSON.stringify({
        sources: [
          {
            id: 'dosing-plc',
            type: 'modbus',
            device: 'dosing-1',
            host: '127.0.0.1',
            port: nobody,
            registers: [{ field: 'flow', kind: 'input', address: 0 }]
          }
        ]
      })
    )
    // Retries within the test's patience (50 ms doubling to 400), not the minute a plant waits.
    c = await consoles.start(
      { sourcesFile: file },
      { uiDir: RENDERER, sources: { backoff: { initialMs: 50, maxMs: 400, jitter: false } } }
    )
    browser = await launchChromium()
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    page = await context.newPage()
    page.setDefaultTimeout(10_000) // a wait that fails says what it waited for
    errors = collectPageErrors(page)
    await page.goto(`${c.base}/?key=${ACCESS_KEY}`)
    await page.getByTestId('overview').waitFor()
  }, TIMEOUT)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it(
    'adds a Modbus source through the dialog: it connects, and its device reports the mapped field',
    async () => {
      // The file's source only, failing: the header says so before anything is opened.
      await page.getByTestId('sources-errors').waitFor()
      expect(await page.getByTestId('count-sources').textContent()).toBe('0 / 1')
      await page.getByTestId('open-sources').click()
      const fromFile = dialog().locator('[data-testid=source-row][data-source="dosing-plc"]')
      await fromFile.and(page.locator('[data-state=error]')).waitFor()
      expect(await fromFile.getByTestId('source-last-error').textContent()).toMatch(
        /ECONNREFUSED 127\.0\.0\.1:\d+/
      )
      expect(await fromFile.getByTestId('source-from-file').textContent()).toContain(
        'change it there'
      )
      expect(await fromFile.getByTestId('source-edit').count()).toBe(0)
      await dialog().getByTestId('source-new').click()
      await dialog().getByTestId('source-id').fill('tank-3')
      await dialog().getByTestId('source-device').fill('tank-3')
      await dialog().getByTestId('source-host').fill('127.0.0.1')
      await dialog().getByTestId('source-port').fill(String(port))
      await dialog().getByTestId('source-intervalMs').fill('200')
      const register = dialog().getByTestId('register-row').first()
      await register.getByTestId('register-field').fill('level')
      await register.getByTestId('register-scale').fill('0.1')
      await dialog().getByTestId('source-save').click()

      await row().and(page.locator('[data-state=connected]')).waitFor()
      expect(await row().getByTestId('source-state').textContent()).toBe('● Connected')
      expect(await row().textContent()).toContain(`127.0.0.1:${port}`)
      await expect.poll(() => row().getByTestId('source-age').textContent()).not.toBe('never')
      expect(await row().getByTestId('source-last-error').textContent()).toBe('—')
      await expect
        .poll(async () => Number(await row().getByTestId('source-rate').textContent()))
        .toBeGreaterThan(0)
      expect(await page.getByTestId('count-sources').textContent()).toBe('1 / 2')
      await page.keyboard.press('Escape')
      // 215 × 0.1: the register read into its field, as the device's report.
      await expect.poll(() => reading('level').textContent()).toBe('21.5')
      vector.holding.set(0, 300)
      await expect.poll(() => reading('level').textContent()).toBe('30')
      expect(errors).toEqual([])
    },
    TIMEOUT
  )

  it(
    'shows error with the reason when the server stops, in the header and the dialog, and connected once it is back',
    async () => {
      await server!.close()
      server = undefined
      // The header says so without opening anything: a mark and a count, in words.
      await expect.poll(() => page.getByTestId('sources-errors').textContent()).toBe('⚠ 2 in error')
      expect(await page.getByTestId('count-sources').textContent()).toBe('0 / 2')
      await screenshot(page, 'sources-header-error', 'header')
      await page.getByTestId('sources-summary').click()
      await row().and(page.locator('[data-state=error]')).waitFor()
      expect(await row().getByTestId('source-state').textContent()).toBe('✕ Error')
      // Refused while it is down (the retries' reason), as the API's lastError says it.
      await expect
        .poll(() => row().getByTestId('source-last-error').textContent())
        .toMatch(`ECONNREFUSED 127.0.0.1:${port}`)

      server = await startModbusServer(vector, port)
      await row().and(page.locator('[data-state=connected]')).waitFor()
      await expect.poll(() => row().getByTestId('source-last-error').textContent()).toBe('—')
      expect(await page.getByTestId('sources-errors').textContent()).toBe('⚠ 1 in error')
      expect(await page.getByTestId('count-sources').textContent()).toBe('1 / 2')
      expect(errors).toEqual([])
    },
    TIMEOUT
  )

  it(
    'edits the source from the config in force: its register as it was made',
    async () => {
      await row().getByTestId('source-edit').click()
      const form = dialog().getByTestId('source-form')
      expect(await form.getByTestId('source-id').isDisabled()).toBe(true)
      expect(await form.getByTestId('source-port').inputValue()).toBe(String(port))
      const register = form.getByTestId('register-row').first()
      expect(await register.getByTestId('register-field').inputValue()).toBe('level')
      expect(await register.getByTestId('register-scale').inputValue()).toBe('0.1')
      await screenshot(page, 'sources-dialog', '[data-testid=sources-dialog]')
      await form.getByTestId('source-cancel').click()
      expect(await dialog().getByTestId('source-form').count()).toBe(0)
      expect(errors).toEqual([])
    },
    TIMEOUT
  )
})
