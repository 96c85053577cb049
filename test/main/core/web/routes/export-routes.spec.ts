import { request, type IncomingMessage } from 'node:http'

import { afterEach, describe, expect, it, vi } from 'vitest'

import type { ReportExport } from '../../../../../src/main/core/export/report-export'
import { EXPORT_ESTIMATE_HEADER, EXPORT_LIMITS } from '../../../../../src/shared/history-types'
import type { StoredReport } from '../../../../../src/shared/ingest-protocol'
import {
  ACCESS_KEY,
  api,
  consoleFixture,
  eventually,
  VIEW_KEY,
  type RunningConsole
} from '../../../../support/console'
import { csvObjects } from '../../../../support/csv'
import { LineClient } from '../../../../support/line-client'
import { fillDataDir } from '../../../../support/store'

// GET /api/export on a real console core: reports sent over TCP, read back over HTTP, checked
// against GET /api/reports; a client that stops reading; the bounds a stranger could push.

const consoles = consoleFixture()
const closers: Array<() => void> = []
afterEach(async () => {
  for (const close of closers.splice(0)) close()
  await consoles.cleanup()
})

/** A console that took `reports` over TCP, each acked (so stored) before the test reads. */
async function withReports(reports: Array<Record<string, unknown>>): Promise<RunningConsole> {
  const c = await consoles.start()
  const d = await LineClient.connect(c.addresses.ingest.port)
  closers.push(() => d.close())
  d.send(...reports)
  await d.waitForReplies(reports.length, 10_000)
  return c
}

function get(c: RunningConsole, path: string, key: string | null = ACCESS_KEY): Promise<Response> {
  return fetch(c.base + path, {
    headers: key === null ? {} : { authorization: `Bearer ${key}` }
  })
}

const SENT = [
  { device: 'pump-7', seq: 1, temp: 55.5, motor: { rpm: 1450 }, note: 'a, "quoted"\nnote' },
  { device: 'valve-2', seq: 1, open: true },
  { device: 'pump-7', seq: 2, temp: 56, motor: { rpm: 1460, amps: [3.1, 3.2] }, 名前: '温度' },
  { device: 'pump-7', seq: 3, temp: -1, note: '=1+1' },
  { device: 'valve-2', seq: 2, open: false }
]

describe('GET /api/export', () => {
  it('answers the CSV of a range with the rows GET /api/reports answers for it', async () => {
    const c = await withReports(SENT)
    const stored: StoredReport[] = (await api(c, '/api/reports?device=pump-7')).body
    const since = stored.at(-1)!.time
    const until = stored[0]!.time
    const res = await get(c, `/api/export?device=pump-7&since=${since}&until=${until}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get(EXPORT_ESTIMATE_HEADER)).toBe('3')
    const compact = (ms: number): string =>
      new Date(ms)
        .toISOString()
        .replace(/\.\d+Z$/, 'Z')
        .replace(/[-:]/g, '')
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="lookout-pump-7-${compact(since)}-${compact(until)}.csv"`
    )
    const rows = csvObjects(await res.text())
    const expected = [...stored].reverse()
    expect(
      rows.map((r) => [r.time, Number(r.time_ms), r.device, r.identity, Number(r.seq)])
    ).toEqual(
      expected.map((r) => [new Date(r.time).toISOString(), r.time, r.device, r.identity, r.seq])
    )
    expect(rows.map((r) => [r.temp, r['motor.rpm'], r['motor.amps'], r.note, r['名前']])).toEqual([
      ['55.5', '1450', '', 'a, "quoted"\nnote', ''],
      ['56', '1460', '[3.1,3.2]', '', '温度'],
      ['-1', '', '', "'=1+1", '']
    ])
  })

  it('answers NDJSON that round-trips to what GET /api/reports answers, oldest first', async () => {
    const c = await withReports(SENT)
    const stored: StoredReport[] = (await api(c, '/api/reports')).body
    const res = await get(c, '/api/export?format=ndjson', VIEW_KEY)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8')
    expect(res.headers.get('content-disposition')).toMatch(
      /filename="lookout-all-start-\d{8}T\d{6}Z\.ndjson"/
    )
    const lines = (await res.text()).split('\n')
    expect(lines.pop()).toBe('')
    expect(lines.map((l) => JSON.parse(l) as StoredReport)).toEqual([...stored].reverse())
  })

  it('limits columns and keys to the chosen fields, ISO times taken as since', async () => {
    const c = await withReports(SENT)
    const first: StoredReport = (await api(c, '/api/reports?device=pump-7&limit=1')).body[0]
    const since = new Date(first.time).toISOString()
    const csv = await (await get(c, `/api/export?field=motor.rpm&field=temp&since=${since}`)).text()
    const rows = csvObjects(csv)
    expect(Object.keys(rows[0]!)).toEqual([
      'time',
      'time_ms',
      'device',
      'identity',
      'seq',
      'ts',
      'motor.rpm',
      'temp'
    ])
    expect(rows.every((r) => Number(r.time_ms) >= first.time)).toBe(true)
    const ndjson = await (
      await get(c, '/api/export?format=ndjson&device=pump-7&field=motor.rpm')
    ).text()
    expect(
      ndjson
        .trimEnd()
        .split('\n')
        .map((l) => Object.keys(JSON.parse(l)))
    ).toEqual([
      ['_id', 'time', 'device', 'motor.rpm'],
      ['_id', 'time', 'device', 'motor.rpm'],
      ['_id', 'time', 'device']
    ])
  })

  it('wants a key, and refuses what it does not understand with 400 naming it', async () => {
    const c = await withReports(SENT.slice(0, 1))
    expect((await get(c, '/api/export', null)).status).toBe(401)
    expect((await get(c, '/api/export', 'not-the-key')).status).toBe(401)
    const tooMany = Array.from({ length: EXPORT_LIMITS.maxFields + 1 }, (_, i) => `field=f${i}`)
    for (const [query, message] of [
      ['format=xml', 'format: must be csv or ndjson'],
      ['since=yesterday', 'since: must be epoch milliseconds'],
      ['since=2026-11-23T08:00:00', 'since: must be epoch milliseconds'],
      ['since=20&until=10', 'since: must not be after until'],
      ['until=8640000000000001', 'until: is past the last date there is'],
      ['field=a..b', 'fields.0: must not have an empty part between dots'],
      [`field=${'x'.repeat(EXPORT_LIMITS.maxFieldLength + 1)}`, 'fields.0: at most 256 characters'],
      [tooMany.join('&'), `fields: at most ${EXPORT_LIMITS.maxFields} fields`],
      [`device=${'d'.repeat(200)}`, 'device:']
    ] as const) {
      const res = await get(c, `/api/export?${query}`)
      const body = (await res.json()) as { error: string; message: string }
      expect([res.status, body.error]).toEqual([400, 'bad_request'])
      expect(body.message).toContain(message)
    }
  })
})

describe('GET /api/export to a client that stops reading', () => {
  it('is paced by it: the export waits, and goes on to the end once it reads again', async () => {
    const TOTAL = 60_000
    const dataDir = await consoles.dirs.make()
    await fillDataDir(dataDir, TOTAL)
    const c = await consoles.start({}, {}, dataDir)
    // The export the route makes, to watch how far it got.
    let made: ReportExport | undefined
    const operations = c.core.operations
    const exportReports = operations.exportReports.bind(operations)
    vi.spyOn(operations, 'exportReports').mockImplementation(
      (query) => (made = exportReports(query))
    )

    const res = await startReading(c, '/api/export?format=ndjson')
    res.pause()
    expect(res.headers[EXPORT_ESTIMATE_HEADER]).toBe(String(TOTAL))
    // It writes until the socket's buffers are full, then waits: a while with no progress.
    let last = -1
    let still = 0
    await eventually(
      () => {
        const now = made!.progress().reports
        still = now === last ? still + 1 : 0
        last = now
        return still >= 10
      },
      'the export waiting for the client',
      20_000
    )
    // The buffers (Node's and the kernel's, a few MB) hold a part: far from all of it.
    expect(made!.progress().reports).toBeLessThan(TOTAL * 0.75)
    const lines = (await readAll(res)).split('\n')
    expect(lines.pop()).toBe('')
    expect(lines).toHaveLength(TOTAL)
    expect(made!.progress()).toEqual({ reports: TOTAL, fraction: 1 })
  }, 60_000)

  it('runs a few exports at once: one more is answered 429 until one of them ends', async () => {
    // Exports large enough to wait for their paused clients rather than fit in the buffers.
    const dataDir = await consoles.dirs.make()
    await fillDataDir(dataDir, 60_000)
    const c = await consoles.start({}, {}, dataDir)
    const open: IncomingMessage[] = []
    for (let i = 0; i < EXPORT_LIMITS.maxAtOnce; i++) {
      const res = await startReading(c, '/api/export')
      res.pause()
      open.push(res)
    }
    const refused = await get(c, '/api/export')
    expect(refused.status).toBe(429)
    expect(((await refused.json()) as { error: string }).error).toBe('too_soon')
    // One read to its end gives its slot back.
    await readAll(open.pop()!)
    await eventually(async () => {
      const res = await get(c, '/api/export?format=ndjson&device=nobody')
      await res.body?.cancel()
      return res.status === 200
    }, 'a slot again')
    for (const res of open) res.destroy()
  }, 60_000)
})

/** Opens a GET with the access key and resolves once its headers are in. */
function startReading(c: RunningConsole, path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(c.base + path, {
      agent: false,
      headers: { authorization: `Bearer ${ACCESS_KEY}` }
    })
    req.on('response', (res) => {
      closers.push(() => res.destroy())
      resolve(res)
    })
    req.on('error', reject)
    req.end()
  })
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    res.on('data', (chunk: Buffer) => parts.push(chunk))
    res.on('end', () => resolve(Buffer.concat(parts).toString('utf8')))
    res.on('error', reject)
    res.resume()
  })
}
