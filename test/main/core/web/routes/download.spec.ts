import { once } from 'node:events'
import { createServer, request, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterEach, describe, expect, it } from 'vitest'

import { Download, sendDownload } from '../../../../../src/main/core/web/routes/download'

const servers: Server[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections()
    await new Promise((resolve) => s.close(resolve))
  }
})

/** A server answering every request with the download `make` gives, cut after `stallMs`. */
async function serve(
  make: () => Download,
  stallMs: number
): Promise<{ port: number; sent: Promise<void> }> {
  let sent!: Promise<void>
  const server = createServer((_req, res) => {
    sent = sendDownload(res, make(), stallMs)
  })
  servers.push(server)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    port: (server.address() as AddressInfo).port,
    get sent() {
      return sent
    }
  }
}

function get(port: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, agent: false }, resolve).on('error', reject).end()
  })
}

describe('a download', () => {
  it('sends its own headers beside the file’s', async () => {
    const { port } = await serve(
      () =>
        new Download(
          'a b.csv',
          'text/csv',
          (async function* () {
            yield 'x\r\n'
          })(),
          { 'x-size': '1' }
        ),
      1000
    )
    const res = await get(port)
    expect(res.headers['x-size']).toBe('1')
    expect(res.headers['content-disposition']).toBe('attachment; filename="a_b.csv"')
    res.resume()
    await once(res, 'end')
  })

  it('is cut when its client takes nothing for the stall time, and its producer stopped', async () => {
    let stopped = false
    const chunk = 'x'.repeat(64 * 1024)
    const server = await serve(
      () =>
        new Download(
          'endless.txt',
          'text/plain',
          (async function* () {
            try {
              for (;;) yield chunk
            } finally {
              stopped = true
            }
          })()
        ),
      300
    )
    const res = await get(server.port)
    res.on('error', () => undefined) // 'aborted': the cut, as the client sees it
    const closed = new Promise((resolve) => res.once('close', resolve))
    res.pause()
    await server.sent
    expect(stopped).toBe(true)
    res.resume()
    await closed
    expect(res.complete).toBe(false)
  })
})
