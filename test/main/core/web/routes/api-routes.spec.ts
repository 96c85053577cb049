import { afterEach, describe, expect, it } from 'vitest'

import { AuthThrottle } from '../../../../../src/main/core/auth/auth-throttle'
import { ConsoleOperations } from '../../../../../src/main/core/console-operations'
import { silentLogger } from '../../../../../src/main/core/runtime/logger'
import { apiRoutes } from '../../../../../src/main/core/web/routes/api-routes'
import { WebServer } from '../../../../../src/main/core/web/web-server'

const KEY = 'test-access-key-0123456789'
let web: WebServer | undefined
afterEach(async () => {
  await web?.stop()
  web = undefined
})

describe('the API routes over operations of a console that is not running', () => {
  it('answer every endpoint 503 not_running, as JSON', async () => {
    web = new WebServer({
      host: '127.0.0.1',
      port: 0,
      keys: { access: KEY, view: 'test-view-key-0123456789' },
      throttle: new AuthThrottle(),
      version: '9.9.9',
      routes: apiRoutes(
        new ConsoleOperations({
          services: () => undefined,
          maxBodyBytes: 64 * 1024,
          logger: silentLogger()
        })
      ),
      logger: silentLogger()
    })
    const base = `http://127.0.0.1:${(await web.start()).port}`
    const requests: Array<[string, string, unknown?]> = [
      ['GET', '/api/reports'],
      ['GET', '/api/devices'],
      ['GET', '/api/devices?limit=5'],
      ['GET', '/api/devices/pump-7/events'],
      ['POST', '/api/messages', { data: 'hello' }],
      ['GET', '/api/messages/m-1'],
      ['GET', '/api/clients'],
      ['GET', '/api/device-tokens'],
      ['POST', '/api/device-tokens', { identity: 'line-3' }],
      ['PUT', '/api/device-tokens/required', { required: true }],
      ['DELETE', '/api/device-tokens/t-1'],
      ['GET', '/api/diagnostics']
    ]
    for (const [method, path, body] of requests) {
      const res = await fetch(base + path, {
        method,
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body)
      })
      expect([method, path, res.status, await res.json()]).toEqual([
        method,
        path,
        503,
        { error: 'not_running', message: 'the console is not running' }
      ])
    }
    // Routing's own refusals stay what they were.
    const missing = await fetch(`${base}/api/nothing`, {
      headers: { authorization: `Bearer ${KEY}` }
    })
    expect(missing.status).toBe(404)
  })
})
