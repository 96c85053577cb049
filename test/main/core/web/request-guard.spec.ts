import { request } from 'node:http'
import { connect } from 'node:net'
import { networkInterfaces } from 'node:os'

import { io } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'

import {
  ACCESS_KEY,
  consoleFixture,
  nextEvent,
  VIEW_KEY,
  type RunningConsole
} from '../../../support/console'

// The web port's guard, from outside: real HTTP requests and upgrades with the headers a
// browser would send, written out, and real socket.io-client connections.

const consoles = consoleFixture()
const sockets: Array<{ close(): void }> = []
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close()
  await consoles.cleanup()
})

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** One request to the console's web port with exactly these headers (Host included). */
function send(
  c: RunningConsole,
  path: string,
  headers: Record<string, string>,
  options: { upgrade?: boolean; version10?: boolean } = {}
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: c.addresses.web.port,
      path,
      headers: options.upgrade
        ? {
            connection: 'Upgrade',
            upgrade: 'websocket',
            'sec-websocket-version': '13',
            'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
            ...headers
          }
        : headers,
      setHost: false
    })
    const finish = (res: import('node:http').IncomingMessage, body = ''): void =>
      resolve({ status: res.statusCode!, headers: res.headers, body })
    req.on('response', (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (t: string) => (body += t))
      res.on('end', () => finish(res, body))
    })
    req.on('upgrade', (res, socket) => {
      socket.destroy()
      finish(res)
    })
    req.on('error', reject)
    req.end()
  })
}

/** An HTTP/1.0 request with no headers at all; the raw answer. */
function http10(c: RunningConsole, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(c.addresses.web.port, '127.0.0.1')
    let answer = ''
    socket.setEncoding('utf8').on('data', (t: string) => (answer += t))
    socket.on('end', () => resolve(answer))
    socket.on('error', reject)
    socket.end(`GET ${path} HTTP/1.0\r\n\r\n`)
  })
}

const EIO_HANDSHAKE = '/socket.io/?EIO=4&transport=polling'
const EIO_UPGRADE = '/socket.io/?EIO=4&transport=websocket'

/** A non-loopback address of this machine, when it has one. */
function interfaceAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (!a.internal && a.family === 'IPv4') return a.address
  return undefined
}

describe('the web port’s Host check (DNS rebinding)', () => {
  it('answers a request naming another host 421 before any handler, on the API, the UI and /healthz', async () => {
    const c = await consoles.start()
    const evil = { host: `evil.test:${c.addresses.web.port}` }
    for (const path of ['/healthz', '/api/devices', '/', EIO_HANDSHAKE]) {
      const answer = await send(c, path, { ...evil, authorization: `Bearer ${ACCESS_KEY}` })
      expect(answer.status, path).toBe(421)
      const body = JSON.parse(answer.body) as { error: string; message: string }
      expect(body.error).toBe('misdirected')
      expect(body.message).toContain('--allowed-hosts')
      expect(body.message).not.toContain('evil')
    }
  })

  it('refuses a rebound page on /push and /live: the same Origin and Host, WebSocket and polling alike', async () => {
    const c = await consoles.start()
    const rebound = `evil.test:${c.addresses.web.port}`
    const headers = { host: rebound, origin: `http://${rebound}` }
    const upgrade = await send(c, EIO_UPGRADE, headers, { upgrade: true })
    expect(upgrade.status).toBe(421)
    expect(upgrade.body).not.toContain('evil')

    for (const transport of ['websocket', 'polling'] as const)
      for (const nsp of ['/push', '/live']) {
        const socket = io(`${c.base}${nsp}`, {
          auth: { key: VIEW_KEY },
          transports: [transport],
          extraHeaders: headers,
          reconnection: false,
          forceNew: true
        })
        sockets.push(socket)
        const error = await nextEvent<Error>(socket, 'connect_error')
        expect(error.message, `${nsp} over ${transport}`).toMatch(/error/)
        expect(socket.connected).toBe(false)
      }
  })

  it('lets in localhost, 127.0.0.1, an interface address, an --allowed-hosts name and a request without Host', async () => {
    const c = await consoles.start({ allowedHosts: ['lookout.plant.example'] })
    const port = c.addresses.web.port
    const hosts = ['localhost', '127.0.0.1', 'lookout.plant.example', 'LOOKOUT.plant.example.']
    const own = interfaceAddress()
    if (own !== undefined) hosts.push(own)
    for (const host of hosts) {
      expect((await send(c, '/healthz', { host: `${host}:${port}` })).status, host).toBe(200)
      const origin = `http://${host}:${port}`
      const polled = await send(c, EIO_HANDSHAKE, { host: `${host}:${port}`, origin })
      expect(polled.status, host).toBe(200)
      const upgraded = await send(
        c,
        EIO_UPGRADE,
        { host: `${host}:${port}`, origin },
        {
          upgrade: true
        }
      )
      expect(upgraded.status, host).toBe(101)
    }
    // HTTP/1.0 without Host: no browser sends that, so it is no rebound page (Node itself
    // refuses HTTP/1.1 without Host with 400).
    expect(await http10(c, '/healthz')).toMatch(/^HTTP\/1\.1 200 /)

    // And a real client, by an allowed name.
    const socket = io(`${c.base}/live`, {
      auth: { key: VIEW_KEY },
      transports: ['websocket'],
      extraHeaders: { host: `lookout.plant.example:${port}` },
      reconnection: false,
      forceNew: true
    })
    sockets.push(socket)
    await nextEvent(socket, 'hello')
  })

  it('lets in the addresses the console prints', async () => {
    const c = await consoles.start({ host: '0.0.0.0' })
    for (const url of [c.addresses.url, c.addresses.viewUrl]) {
      const { host } = new URL(url)
      expect((await send(c, '/healthz', { host })).status, url).toBe(200)
    }
  })
})

describe('the web port’s Origin check', () => {
  it('refuses another origin’s upgrade with 403, not 400, and repeats nothing of the request', async () => {
    const c = await consoles.start()
    const host = `127.0.0.1:${c.addresses.web.port}`
    const origin = 'http://evil.example/<script>'
    const upgrade = await send(c, EIO_UPGRADE, { host, origin }, { upgrade: true })
    expect(upgrade.status).toBe(403)
    expect(upgrade.headers['content-type']).toMatch(/application\/json/)
    expect(JSON.parse(upgrade.body).message).toContain('--allowed-origins')
    expect(upgrade.body).not.toContain('evil')
    const polled = await send(c, EIO_HANDSHAKE, { host, origin })
    expect(polled.status).toBe(403)
    expect(polled.body).not.toContain('evil')
  })
})
