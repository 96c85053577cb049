import { request } from 'node:http'

import { io } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'

import { consoleFixture, VIEW_KEY, type RunningConsole } from '../../../support/console'

const consoles = consoleFixture()
afterEach(() => consoles.cleanup())

/** An Engine.IO handshake as a browser page of `origin` would send it. */
function handshake(c: RunningConsole, origin?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: c.addresses.web.port,
        path: '/socket.io/?EIO=4&transport=polling',
        headers: origin === undefined ? {} : { origin }
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (t: string) => (body += t))
        res.on('end', () => resolve({ status: res.statusCode!, body }))
      }
    )
    req.on('error', reject)
    req.end()
  })
}

describe('Socket.IO origin check', () => {
  it('lets in the console’s own page, clients without an origin, and allowed origins only', async () => {
    const c = await consoles.start({ allowedOrigins: ['http://wall.plant:8080/'] })
    const own = `http://127.0.0.1:${c.addresses.web.port}`
    expect((await handshake(c, own)).status).toBe(200)
    expect((await handshake(c)).status).toBe(200) // a device, a script, a phone app
    expect((await handshake(c, 'http://wall.plant:8080')).status).toBe(200)
    const refused = await handshake(c, 'http://evil.example')
    expect(refused.status).toBe(403)
    expect(refused.body).toContain('--allowed-origins')
    expect(refused.body).not.toContain('evil') // nothing of the attacker's text is repeated

    // The same through socket.io-client, as a page of another origin would connect.
    const stranger = io(`${c.base}/live`, {
      auth: { key: VIEW_KEY },
      transports: ['websocket'],
      extraHeaders: { origin: 'http://evil.example' },
      reconnection: false,
      forceNew: true
    })
    const error = await new Promise<Error>((resolve) => stranger.once('connect_error', resolve))
    expect(error.message).toMatch(/websocket error/)
    stranger.close()
  })
})
