import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import {
  ConsoleOperations,
  type ConsoleServices
} from '../../../../src/main/core/console-operations'
import { DeviceEventLog } from '../../../../src/main/core/devices/device-event-log'
import { DeviceRegistry } from '../../../../src/main/core/devices/device-registry'
import { silentLogger } from '../../../../src/main/core/runtime/logger'
import type { ReportStore } from '../../../../src/main/core/store/report-store'
import { reportRoutes } from '../../../../src/main/core/web/routes/report-routes'
import { AuthThrottle } from '../../../../src/main/core/auth/auth-throttle'
import { WebServer } from '../../../../src/main/core/web/web-server'
import { nedbBackend, openStore, report, store } from '../../../support/store'
import { tempDirs } from '../../../support/temp-dir'

const KEY = 'test-access-key-0123456789'
const VIEW_KEY = 'test-view-key-0123456789'
let registry: DeviceRegistry
const dirs = tempDirs()
let reports: ReportStore
let web: WebServer
let base: string
const T0 = Date.now() - 35_000 // all within the last minute

beforeEach(async () => {
  reports = await openStore(await dirs.make())
  const dir = await dirs.make()
  registry = new DeviceRegistry({
    source: reports,
    events: await DeviceEventLog.open(nedbBackend(dir), 30, Date.now()),
    logger: silentLogger()
  })
  web = new WebServer({
    host: '127.0.0.1',
    port: 0,
    keys: { access: KEY, view: VIEW_KEY },
    throttle: new AuthThrottle(),
    version: '9.9.9',
    // The read routes over real operations: only the parts those use are given.
    routes: reportRoutes(
      new ConsoleOperations({
        services: () => ({ reports, devices: registry }) as unknown as ConsoleServices,
        maxBodyBytes: 64 * 1024,
        logger: silentLogger()
      })
    ),
    logger: silentLogger()
  })
  base = `http://127.0.0.1:${(await web.start()).port}`
  for (let i = 0; i < 30; i++)
    await store(reports, report(i % 3 === 0 ? 'pump' : 'valve', T0 + i * 1000, { seq: i }))
})

afterEach(async () => {
  registry.stop()
  await web.stop()
  await reports.close()
  await dirs.cleanup()
})

const auth = { authorization: `Bearer ${KEY}` }

async function get(
  path: string,
  headers: Record<string, string> = auth
): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path, { headers })
  return { status: res.status, body: await res.json() }
}

describe('WebServer', () => {
  it('answers /healthz without a key and reveals no secret', async () => {
    const { status, body } = await get('/healthz', {})
    expect(status).toBe(200)
    expect(body).toMatchObject({ ok: true, version: '9.9.9' })
    expect(JSON.stringify(body)).not.toContain(KEY)
  })

  it.each(['/api/reports', '/api/devices'])(
    'refuses %s without the key, or with a wrong one, with a 401 JSON error',
    async (path) => {
      const none = await get(path, {})
      expect(none.status).toBe(401)
      expect(none.body).toEqual({
        error: 'unauthorized',
        message: expect.stringMatching(/needs a key/)
      })
      expect((await get(path, { authorization: 'Bearer wrong-key-wrong-key' })).status).toBe(401)
      expect((await get(`${path}?key=wrong`, {})).status).toBe(401)
    }
  )

  it('accepts the key as ?key= too', async () => {
    expect((await get(`/api/devices?key=${KEY}`, {})).status).toBe(200)
  })

  it('lets the view key read', async () => {
    expect((await get('/api/reports', { authorization: `Bearer ${VIEW_KEY}` })).status).toBe(200)
    expect((await get(`/api/devices?key=${VIEW_KEY}`, {})).status).toBe(200)
  })

  it('lists devices with first and last seen and their report count', async () => {
    const { body } = await get('/api/devices')
    expect(body).toEqual([
      {
        id: 'pump',
        identity: 'anonymous',
        firstSeen: T0,
        lastSeen: T0 + 27_000,
        reports: 10,
        online: true,
        reportsPerMinute: 10
      },
      {
        id: 'valve',
        identity: 'anonymous',
        firstSeen: T0 + 1000,
        lastSeen: T0 + 29_000,
        reports: 20,
        online: true,
        reportsPerMinute: 20
      }
    ])
  })

  it('returns reports newest first, filtered by device and time, up to the limit', async () => {
    const all = await get('/api/reports')
    expect(all.body).toHaveLength(30)
    expect(all.body[0].seq).toBe(29)
    const pump = await get(
      `/api/reports?device=pump&since=${T0 + 3000}&until=${new Date(T0 + 15_000).toISOString()}`
    )
    expect(pump.body.map((r: { seq: number }) => r.seq)).toEqual([15, 12, 9, 6, 3])
    const limited = await get('/api/reports?limit=2')
    expect(limited.body.map((r: { seq: number }) => r.seq)).toEqual([29, 28])
  })

  it('reads an ISO 8601 time with an offset as the instant it names', async () => {
    const at = (ms: number, offsetMinutes: number): string => {
      const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 23)
      const sign = offsetMinutes < 0 ? '-' : '+'
      const hhmm = new Date(Math.abs(offsetMinutes) * 60_000).toISOString().slice(11, 16)
      return encodeURIComponent(`${local}${sign}${hhmm}`)
    }
    const { status, body } = await get(
      `/api/reports?device=pump&since=${at(T0 + 3000, 60)}&until=${at(T0 + 15_000, -330)}`
    )
    expect(status).toBe(200)
    expect(body.map((r: { seq: number }) => r.seq)).toEqual([15, 12, 9, 6, 3])
  })

  it.each([
    ['limit=0', /limit/],
    ['limit=10001', /limit/],
    ['limit=ten', /^limit: must be a whole number from 1 to 10000$/],
    ['limit=1.5', /^limit: must be a whole number from 1 to 10000$/],
    ['since=yesterday', /since/],
    // Date.parse takes these: 2001-01-01, 7 March 2001, and local time on the server.
    ['since=-1', /since: must be epoch milliseconds .* or an ISO 8601 time with an offset/],
    ['since=March%207', /since: must be epoch milliseconds/],
    ['until=2026-11-23T08:00:00', /until: must be epoch milliseconds/],
    ['until=2026-11-23', /until: must be epoch milliseconds/],
    ['since=2026-02-30T00:00:00Z', /since: must be epoch milliseconds/],
    ['since=1e12', /since: must be epoch milliseconds/],
    [`since=${T0 + 10}&until=${T0}`, /since/],
    [`device=${'d'.repeat(200)}`, /device/]
  ])('rejects ?%s with a 400 that says what is wrong', async (query, message) => {
    const { status, body } = await get(`/api/reports?${query}`)
    expect(status).toBe(400)
    expect(body.error).toBe('bad_request')
    expect(body.message).toMatch(message)
  })

  it('answers a malformed path segment with 400, not 500', async () => {
    const { status, body } = await get('/api/devices/%E0%A4%A/events')
    expect(status).toBe(400)
    expect(body.error).toBe('bad_request')
  })

  it('refuses an address that sent ten wrong keys within a minute, even with the right key, with a 429', async () => {
    for (let i = 0; i < 10; i++)
      expect(
        (await get('/api/devices', { authorization: 'Bearer guess-guess-guess' })).status
      ).toBe(401)
    const res = await fetch(`${base}/api/devices`, { headers: auth })
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(((await res.json()) as { error: string }).error).toBe('too_many_attempts')
    expect((await get('/healthz', {})).status).toBe(200) // what needs no key stays open
  })

  it('sends headers that keep its JSON from being framed, run or sniffed', async () => {
    const res = await fetch(`${base}/api/devices`, { headers: auth })
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/)
    expect(res.headers.get('referrer-policy')).toBe('no-referrer')
    expect(res.headers.get('access-control-allow-origin')).toBeNull() // CORS closed
  })

  it('answers unknown paths with 404 and other methods with 405, as JSON', async () => {
    expect(await get('/api/nothing')).toEqual({
      status: 404,
      body: { error: 'not_found', message: expect.any(String) }
    })
    const res = await fetch(`${base}/api/devices`, { method: 'DELETE', headers: auth })
    expect(res.status).toBe(405)
    expect(((await res.json()) as { error: string }).error).toBe('method_not_allowed')
  })
})
