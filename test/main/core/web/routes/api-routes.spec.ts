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
    const routes = apiRoutes(
      new ConsoleOperations({
        services: () => undefined,
        maxBodyBytes: 64 * 1024,
        logger: silentLogger()
      })
    )
    web = new WebServer({
      host: '127.0.0.1',
      port: 0,
      keys: { access: KEY, view: 'test-view-key-0123456789' },
      throttle: new AuthThrottle(),
      version: '9.9.9',
      routes,
      logger: silentLogger()
    })
    const base = `http://127.0.0.1:${(await web.start()).port}`
    const requests: Array<[string, string, unknown?]> = [
      ['GET', '/api/reports'],
      ['GET', '/api/series?device=pump-7&field=t'],
      ['GET', '/api/export?device=pump-7'],
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
      ['GET', '/api/diagnostics'],
      ['GET', '/api/alarms'],
      ['GET', '/api/alarms/stats'],
      ['POST', '/api/alarms/a-1/ack', {}],
      ['POST', '/api/alarms/a-1/shelve', { minutes: 5 }],
      ['POST', '/api/alarms/a-1/unshelve', {}],
      ['POST', '/api/alarms/a-1/silence', {}],
      ['POST', '/api/devices/pump-7/maintenance', { minutes: 5 }],
      ['GET', '/api/alarm-rules'],
      [
        'POST',
        '/api/alarm-rules',
        { name: 'hot', devices: '*', field: 't', above: 1, severity: 'low' }
      ],
      ['PUT', '/api/alarm-rules', { rules: [] }],
      [
        'POST',
        '/api/alarm-rules/preview',
        { name: 'hot', devices: '*', stale: 5, severity: 'low' }
      ],
      ['PUT', '/api/alarm-rules/hot', { name: 'hot', devices: '*', stale: 5, severity: 'low' }],
      ['DELETE', '/api/alarm-rules/hot'],
      ['GET', '/api/alarm-events'],
      ['GET', '/api/alarm-events?format=csv'],
      ['GET', '/api/sources'],
      ['POST', '/api/sources', { id: 'p', type: 'modbus', device: 'p', host: 'h', registers: [] }],
      ['PUT', '/api/sources/p', { id: 'p', type: 'modbus', device: 'p', host: 'h', registers: [] }],
      ['DELETE', '/api/sources/p']
    ]
    // Every route of the API is asked here (a new one must be added).
    for (const route of routes)
      expect(
        requests.some(
          ([method, path]) =>
            method === route.method &&
            (typeof route.path === 'string'
              ? route.path === path.split('?')[0]
              : route.path.test(path.split('?')[0]!))
        ),
        `${route.method} ${String(route.path)}`
      ).toBe(true)
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
