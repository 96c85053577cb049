import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'

import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

/** Debian's Chromium: the tests never download a browser. */
export const CHROMIUM = process.env.LOOKOUT_CHROMIUM ?? '/usr/bin/chromium'
const INSTALL = 'sudo apt-get install -y chromium'

/**
 * Whether the browser tests can run. On a developer's machine without Chromium they are
 * skipped with a loud message naming the install command; in CI (`CI` set) a missing browser
 * fails the run instead, so CI never skips them silently.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true
  if (process.env.CI) throw new Error(`Chromium is missing at ${CHROMIUM}: ${INSTALL}`)
  console.warn(
    `\n*** SKIPPING the browser tests: no Chromium at ${CHROMIUM}. Install it: ${INSTALL} ***\n`
  )
  return false
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']
  })
}

const RENDERER = join(__dirname, '../../out/renderer')

/**
 * Serves the built renderer (`out/renderer`) at `origin` to this page, from the files: the
 * desktop window's page, without a server.
 */
export async function routeBuiltRenderer(page: Page, origin: string): Promise<void> {
  await page.route(`${origin}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname
    await route.fulfill({ path: join(RENDERER, path === '/' ? 'index.html' : path) })
  })
}

/**
 * Opens the console in `target`'s pages on its panels (devices, host, feed, push) rather than
 * on the Overview, its default view: what a spec about the panels looks at. Kept before any of
 * the page's scripts run, as a user's earlier choice would be (`lookout.view`, see
 * src/renderer/src/state/view-choice.ts).
 */
export async function openOnPanels(target: BrowserContext | Page): Promise<void> {
  await target.addInitScript(() => {
    try {
      localStorage.setItem('lookout.view', 'panels')
    } catch {
      // about:blank and other opaque origins have no storage: no console is shown there.
    }
  })
}

/** Where screenshots go: test artifacts, kept out of git. */
export const SCREENSHOT_DIR = join(__dirname, '../../test-artifacts/screenshots')

export async function screenshot(page: Page, name: string, selector?: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true })
  const path = join(SCREENSHOT_DIR, `${name}.png`)
  if (selector === undefined) await page.screenshot({ path })
  else await page.locator(selector).screenshot({ path })
}

/**
 * Errors the page reported: uncaught exceptions and console errors (a CSP violation is one).
 * A test ends by expecting this to be empty. One message is left out: Chromium logs a WebSocket
 * closed by the page before its upgrade finished (a view leaving mid-handshake) as an error,
 * though nothing failed.
 */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    const text = message.text()
    if (message.type() === 'error' && !text.includes('closed before the connection is established'))
      errors.push(`console: ${text}`)
  })
  return errors
}
