import type { Browser, Page } from 'playwright-core'
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { PushMessage } from '../../src/shared/push-events'
import {
  chromiumAvailable,
  collectPageErrors,
  launchChromium,
  openOnPanels
} from '../support/browser'
import { startServe, type ServeProcess } from '../support/cli-process'
import { eventually } from '../support/console'
import { LineClient } from '../support/line-client'
import { tempDirs } from '../support/temp-dir'

// 2,000 push clients and a report of 3,000 fields in a browser: the clients table, the send
// form's "To" picker and the device's field picker keep a bounded number of elements in the page.

const CLIENTS = 2000
const FIELDS = 3000
// The console lets one /push connection register 4 uids and one address 30 new ones a minute:
// the fleet comes from many loopback addresses (127.0.1.x), 24 uids and 6 connections each.
const PER_CONNECTION = 4
const PER_ADDRESS = 24
const dirs = tempDirs()
const uidOf = (i: number): string => `phone-${String(i).padStart(5, '0')}`
const fieldOf = (i: number): string => `f${String(i).padStart(4, '0')}`

function connect(port: number, localAddress?: string): Socket {
  return io(`http://127.0.0.1:${port}/push`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    // Passed on to the WebSocket's request: the connection comes from that loopback address.
    ...(localAddress === undefined ? {} : { localAddress })
  } as Parameters<typeof io>[1])
}

async function register(socket: Socket, uid: string, name: string): Promise<void> {
  const answer = (await socket.timeout(20_000).emitWithAck('register', { uid, name })) as {
    ok: boolean
    error?: { message: string }
  }
  if (!answer.ok) throw new Error(`${uid} not registered: ${answer.error?.message}`)
}

/** `CLIENTS` uids, `crew-<i>` their names, over connections that stay open. */
async function registerFleet(port: number): Promise<Socket[]> {
  const sockets: Socket[] = []
  const connections = Math.ceil(CLIENTS / PER_CONNECTION)
  for (let from = 0; from < connections; from += 50) {
    const batch = []
    for (let c = from; c < Math.min(connections, from + 50); c++) {
      const first = c * PER_CONNECTION
      const socket = connect(port, `127.0.1.${Math.floor(first / PER_ADDRESS) + 1}`)
      sockets.push(socket)
      batch.push(
        (async () => {
          for (let i = first; i < Math.min(CLIENTS, first + PER_CONNECTION); i++)
            await register(socket, uidOf(i), `crew-${i}`)
        })()
      )
    }
    await Promise.all(batch)
  }
  return sockets
}

describe.runIf(chromiumAvailable())('2,000 push clients and 3,000 fields in the console UI', () => {
  let serve: ServeProcess
  let browser: Browser
  let page: Page
  let errors: string[]
  let pager: Socket
  let fleet: Socket[] = []
  const received: PushMessage[] = []

  beforeAll(async () => {
    serve = await startServe(await dirs.make())
    // The one client that answers: it receives what the form sends it, and acknowledges it.
    pager = connect(serve.webPort)
    pager.on('message', (message: PushMessage, ack: () => void) => {
      received.push(message)
      ack()
    })
    await register(pager, 'pager-7', 'Night shift')
    fleet = await registerFleet(serve.webPort)

    const device = await LineClient.connect(serve.ingestPort)
    const report: Record<string, unknown> = { device: 'wide-1', seq: 1 }
    for (let i = 0; i < FIELDS; i++) report[fieldOf(i)] = i / 10
    device.send(report)
    expect(await device.waitForReplies(1, 20_000)).toEqual([{ ack: 1 }])
    device.socket.destroy()

    browser = await launchChromium()
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    await openOnPanels(context)
    page = await context.newPage()
    page.setDefaultTimeout(20_000)
    errors = collectPageErrors(page)
    await page.goto(serve.url)
  }, 90_000)

  afterAll(async () => {
    pager?.disconnect()
    for (const socket of fleet) socket.disconnect()
    await browser?.close()
    if (serve) {
      serve.proc.kill('SIGTERM')
      await serve.exited
    }
    await dirs.cleanup()
  })

  it('keeps only the clients in sight in the page, and filters by uid and by name', async () => {
    const push = page.getByTestId('push-panel')
    const rows = push.locator('[data-testid=client-row]')
    await push.locator(`[data-testid=client-row][data-uid=${uidOf(0)}]`).waitFor()
    await expect
      .poll(() => push.locator('.clients-table').getAttribute('data-count'))
      .toBe(String(CLIENTS + 1))
    expect(await rows.count()).toBeLessThan(200) // virtualized: not 2,001
    expect(await rows.first().locator('bdi.id-text').first().getAttribute('title')).toBe('pager-7')

    // Scrolled to the end, the last clients are there (and still only a screenful of rows).
    await page.getByTestId('clients-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight))
    await push.locator(`[data-testid=client-row][data-uid=${uidOf(CLIENTS - 1)}]`).waitFor()
    expect(await rows.count()).toBeLessThan(200)

    const filter = page.getByRole('searchbox', { name: 'Filter clients' })
    const uids = (): Promise<Array<string | null>> =>
      rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-uid')))
    await filter.fill('phone-0012')
    await expect.poll(uids).toEqual(Array.from({ length: 10 }, (_, i) => `phone-0012${i}`))
    await filter.fill('CREW-1999')
    await expect.poll(uids).toEqual([uidOf(1999)])
    await filter.fill('nobody')
    await push.getByText('No client matches “nobody”.').waitFor()
    await filter.fill('')
    await push.locator(`[data-testid=client-row][data-uid=${uidOf(0)}]`).waitFor()
    expect(errors).toEqual([])
  })

  it('sends to one client picked from a short list of matches, and then to all', async () => {
    const to = page.getByTestId('send-to')
    await to.click()
    const options = page.getByRole('listbox', { name: 'To' }).getByRole('option')
    expect(await options.count()).toBe(50) // bounded, with a line saying how many more
    await expect
      .poll(() => page.locator('.send-form .id-picker-list .more').textContent())
      .toMatch(/1,951 more/)
    // Half a uid is no choice: it stays in the field, and the form sends nothing (not to all).
    await to.fill('phone-000')
    await page.getByTestId('send-text').fill('not for everyone')
    await page.getByRole('button', { name: 'Send', exact: true }).click()
    expect(await to.inputValue()).toBe('phone-000')
    expect(
      await to.evaluate((el) => (el as unknown as { validationMessage: string }).validationMessage)
    ).toBe('No such client')
    expect(await page.getByTestId('delivery').count()).toBe(0)

    await to.fill('night') // found by its name
    await expect.poll(() => options.count()).toBe(1)
    expect(await options.first().textContent()).toBe('pager-7 · Night shift')
    await options.first().click()
    expect(await to.inputValue()).toBe('pager-7')

    await page.getByTestId('send-text').fill('{"alarm":"pump 3"}')
    await page.getByRole('button', { name: 'Send', exact: true }).click()
    await eventually(async () => received.length === 1, 'pager-7 receiving the message', 10_000)
    // The first message it got: the one refused above never went out.
    expect(received[0]).toMatchObject({ data: { alarm: 'pump 3' }, broadcast: false })
    await page
      .locator('[data-testid=delivery-state][data-uid=pager-7][data-state=delivered]')
      .waitFor()

    // Emptied, the picker means every client, as "All clients" did.
    await to.fill('')
    await to.press('Enter')
    expect(await to.inputValue()).toBe('')
    expect(await to.getAttribute('placeholder')).toBe('All clients')
    await page.getByTestId('send-text').fill('all hands')
    await page.getByRole('button', { name: 'Send', exact: true }).click()
    await eventually(async () => received.length === 2, 'pager-7 receiving the broadcast', 10_000)
    expect(received[1]).toMatchObject({ data: 'all hands', broadcast: true })
    // A broadcast goes to the clients online: one uid per connection (its last), 501 in all,
    // summed up by state, and a bounded list of them.
    const online = 1 + CLIENTS / PER_CONNECTION
    await page.getByTestId('delivery-summary').getByText(`${online} recipients`).waitFor()
    expect(await page.getByTestId('delivery-state').count()).toBeLessThanOrEqual(50)
    expect(errors).toEqual([])
  })

  it('finds one of a report’s 3,000 fields in the device’s field picker and charts it', async () => {
    await page.getByRole('searchbox', { name: 'Filter devices' }).fill('wide-1')
    await page.locator('[data-testid=device-row][data-device=wide-1]').click()
    const detail = page.getByTestId('device-detail')
    const chart = detail.getByTestId('device-chart')
    await chart.and(page.locator('[data-series="1"]')).waitFor()
    const field = detail.getByTestId('detail-field')
    expect(await field.inputValue()).toBe(fieldOf(0))
    expect(await chart.getAttribute('aria-label')).toBe(`wide-1 ${fieldOf(0)}`)

    await field.click()
    const options = detail.getByRole('listbox', { name: 'Field' }).getByRole('option')
    expect(await options.count()).toBe(50)
    await expect
      .poll(() => detail.locator('.id-picker-list .more').textContent())
      .toMatch(/2,950 more/)
    await field.fill('f2345')
    await expect.poll(() => options.count()).toBe(1)
    await field.press('Enter')
    expect(await field.inputValue()).toBe('f2345')
    await expect.poll(() => chart.getAttribute('aria-label')).toBe('wide-1 f2345')
    await chart.and(page.locator('[data-series="1"]')).waitFor()

    // Escape closes the list first, then the dialog.
    await field.click()
    await detail.getByRole('listbox', { name: 'Field' }).waitFor()
    await page.keyboard.press('Escape')
    await detail.getByRole('listbox', { name: 'Field' }).waitFor({ state: 'detached' })
    expect(await detail.isVisible()).toBe(true)
    await page.keyboard.press('Escape')
    await detail.waitFor({ state: 'detached' })
    expect(errors).toEqual([])
  })
})
