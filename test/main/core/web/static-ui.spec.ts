import { mkdir, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { consoleFixture, type RunningConsole } from '../../../support/console'

const consoles = consoleFixture()
const dirs = consoles.dirs
afterEach(() => consoles.cleanup())

async function withUi(): Promise<RunningConsole> {
  const ui = await dirs.make()
  await mkdir(join(ui, 'assets'))
  await writeFile(join(ui, 'index.html'), '<!doctype html><title>Lookout</title>')
  await writeFile(join(ui, 'assets', 'index-abc123.js'), 'console.log(1)')
  return consoles.start({}, { uiDir: ui })
}

/** A raw GET, so paths reach the server exactly as written (fetch would normalise `..`). */
function get(
  c: RunningConsole,
  path: string
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: c.addresses.web.port, path }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (t: string) => (body += t))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('the web port serves the built UI', () => {
  it('serves the page without a key, with a policy that allows only its own code', async () => {
    const c = await withUi()
    const page = await get(c, '/')
    expect(page.status).toBe(200)
    expect(page.body).toContain('<title>Lookout</title>')
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.headers['content-security-policy']).toContain("script-src 'self'")
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(page.headers['referrer-policy']).toBe('no-referrer')
    expect(page.headers['cache-control']).toBe('no-cache')
    // A key in the address does not change what the page is.
    expect((await get(c, '/?key=anything')).body).toBe(page.body)

    const asset = await get(c, '/assets/index-abc123.js')
    expect(asset.status).toBe(200)
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(asset.headers['cache-control']).toContain('immutable')
  })

  it('serves nothing outside the UI directory, and keeps the API behind its key', async () => {
    const c = await withUi()
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/../../x', '/%E0%A4%A'])
      expect((await get(c, path)).status).toBe(404)
    expect((await get(c, '/nothing-here.js')).status).toBe(404)
    expect((await get(c, '/api/devices')).status).toBe(401)
    expect((await get(c, '/healthz')).status).toBe(200)
  })

  it('says the UI is not built when it is not, and serves the API anyway', async () => {
    const c = await consoles.start({}, { uiDir: join(await dirs.make(), 'missing') })
    const page = await get(c, '/')
    expect(page.status).toBe(503)
    expect(JSON.parse(page.body)).toMatchObject({ error: 'ui_not_built' })
    expect((await get(c, '/healthz')).status).toBe(200)
  })
})
