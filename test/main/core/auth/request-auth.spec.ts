import { io } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'

import {
  ACCESS_KEY,
  consoleFixture,
  liveClient,
  nextEvent,
  VIEW_KEY,
  type RunningConsole
} from '../../../support/console'
import { capturingLogger } from '../../../support/log-lines'

// Keys as browsers send them, over HTTP and in handshakes: what another site's page can and
// cannot do to the operator's address, with the Fetch Metadata header a browser adds set
// explicitly.

const consoles = consoleFixture()
afterEach(() => consoles.cleanup())

function get(c: RunningConsole, path: string, headers: Record<string, string> = {}) {
  return fetch(c.base + path, { headers })
}

describe('keys from other sites’ pages', () => {
  it('does not count wrong keys from another site’s page against the address', async () => {
    const c = await consoles.start()
    // Ten <img src="http://console:9801/api/devices?key=x"> on some page, and ten more.
    for (let i = 0; i < 20; i++)
      expect((await get(c, '/api/devices?key=x', { 'sec-fetch-site': 'cross-site' })).status).toBe(
        401
      )
    const operator = await get(c, '/api/devices', { authorization: `Bearer ${ACCESS_KEY}` })
    expect(operator.status).toBe(200)
  })

  it('counts a wrong header key whatever Sec-Fetch-Site claims: no page can send one, a forger gets no exemption', async () => {
    const c = await consoles.start()
    const forged = { 'sec-fetch-site': 'cross-site', authorization: 'Bearer guess-guess-guess' }
    for (let i = 0; i < 10; i++) expect((await get(c, '/api/devices', forged)).status).toBe(401)
    expect((await get(c, '/api/devices', forged)).status).toBe(429)
  })

  it('still counts wrong keys from the same site, from no browser, and typed into the address bar', async () => {
    for (const site of ['same-site', 'same-origin', 'none', undefined]) {
      const c = await consoles.start()
      const headers: Record<string, string> = site === undefined ? {} : { 'sec-fetch-site': site }
      for (let i = 0; i < 10; i++)
        expect((await get(c, '/api/devices?key=x', headers)).status, String(site)).toBe(401)
      const operator = await get(c, '/api/devices', { authorization: `Bearer ${ACCESS_KEY}` })
      expect(operator.status, String(site)).toBe(429)
      await consoles.cleanup()
    }
  })

  it('never takes a key from the address of another site’s request; a header key still works', async () => {
    const c = await consoles.start()
    const crossSite = { 'sec-fetch-site': 'cross-site' }
    const link = await get(c, `/api/devices?key=${ACCESS_KEY}`, crossSite)
    expect(link.status).toBe(401)
    expect(((await link.json()) as { message: string }).message).toMatch(
      /not taken from another site's page: send "Authorization: Bearer <key>"/
    )
    const header = await get(c, '/api/devices', {
      ...crossSite,
      authorization: `Bearer ${ACCESS_KEY}`
    })
    expect(header.status).toBe(200)
    // The console's own page (same-origin) may still use ?key=.
    const own = await get(c, `/api/devices?key=${ACCESS_KEY}`, { 'sec-fetch-site': 'same-origin' })
    expect(own.status).toBe(200)
  })
})

describe('keys in Socket.IO handshakes', () => {
  it('never counts a wrong key from another origin’s page: it is refused before its key is read', async () => {
    const c = await consoles.start()
    for (let i = 0; i < 11; i++) {
      const page = io(`${c.base}/live`, {
        auth: { key: 'guess-guess' },
        transports: ['websocket'],
        extraHeaders: { origin: 'http://evil.example' },
        reconnection: false,
        forceNew: true
      })
      await nextEvent(page, 'connect_error')
      page.close()
    }
    const viewer = liveClient(c, VIEW_KEY)
    await nextEvent(viewer, 'hello')
    viewer.close()
  })
})

describe('the log of wrong keys', () => {
  it('logs the first wrong key from an address at once and the rest of its minute as one line, never the key', async () => {
    const { logger, lines } = capturingLogger()
    const c = await consoles.start({}, { logger })
    for (let i = 0; i < 12; i++)
      await get(c, '/api/devices', { authorization: `Bearer guess-number-${i}` })
    const wrong = () => lines.filter((l) => /wrong key/.test(l.msg))
    expect(wrong().map((l) => l.msg)).toEqual(['wrong key from 127.0.0.1'])
    expect(wrong()[0]).toMatchObject({ address: '127.0.0.1', door: 'http', level: 40 })

    await consoles.cleanup() // stopping logs what was held back
    expect(wrong().map((l) => l.msg)).toEqual([
      'wrong key from 127.0.0.1',
      expect.stringMatching(/^9 more wrong keys from 127\.0\.0\.1 in the last \d+ s$/)
    ])
    expect(JSON.stringify(lines)).not.toContain('guess-number')
  })
})
