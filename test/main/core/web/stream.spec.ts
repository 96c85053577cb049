import { connect } from 'node:net'

import { afterEach, describe, expect, it } from 'vitest'

import { STREAM_CLOSE_CODES, STREAM_LIMITS } from '../../../../src/shared/history-types'
import type { StoredReport } from '../../../../src/shared/ingest-protocol'
import { STREAM_REQUEST_REFUSALS } from '../../../../src/main/core/stream/stream-request'
import { STREAM_CLOSE_REASONS } from '../../../../src/main/core/web/sockets/stream-server'
import {
  ACCESS_KEY,
  api,
  consoleFixture,
  eventually,
  liveClient,
  nextEvent,
  VIEW_KEY,
  type RunningConsole
} from '../../../support/console'
import { LineClient } from '../../../support/line-client'
import { capturingLogger } from '../../../support/log-lines'
import { streamReaders } from '../../../support/stream-client'

const consoles = consoleFixture()
const readers = streamReaders()
const devices: LineClient[] = []
afterEach(async () => {
  readers.cleanup()
  for (const d of devices.splice(0)) d.close()
  await consoles.cleanup()
})

async function device(c: RunningConsole): Promise<LineClient> {
  const d = await LineClient.connect(c.addresses.ingest.port)
  devices.push(d)
  return d
}

/** Sends `count` reports of `id` with seq from `first`, and waits for all their acks. */
async function report(
  d: LineClient,
  id: string,
  count: number,
  first = 1,
  extra: Record<string, unknown> = {}
): Promise<void> {
  const acked = d.replies.length + count
  const lines: string[] = []
  for (let seq = first; seq < first + count; seq++)
    lines.push(JSON.stringify({ device: id, seq, ...extra }) + '\n')
  d.write(lines.join(''))
  await d.waitForReplies(acked, 30_000)
}

/** What `GET /api/reports` keeps of these devices, oldest first: what the stream must send. */
async function stored(c: RunningConsole, device?: string): Promise<StoredReport[]> {
  const query = device === undefined ? '' : `&device=${encodeURIComponent(device)}`
  return ((await api(c, `/api/reports?limit=10000${query}`)).body as StoredReport[]).reverse()
}

/** Checks what a reader got: each report once, ids rising, every device's seqs one by one. */
function expectInOrder(reports: StoredReport[], firstSeq = 1): void {
  const ids = reports.map((r) => r._id!)
  for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!, `id ${i}`).toBe(true)
  const next = new Map<string, number>()
  for (const r of reports) {
    const expected = next.get(r.device) ?? firstSeq
    expect(r.seq, `${r.device} seq`).toBe(expected)
    next.set(r.device, expected + 1)
  }
}

describe('/stream: keys', () => {
  it('takes either key in the Authorization header, and sends each report as stored', async () => {
    const c = await consoles.start()
    const byView = readers.open(c, '', { key: VIEW_KEY })
    const byAccess = readers.open(c, '', { key: ACCESS_KEY })
    await Promise.all([byView.opened, byAccess.opened])
    const d = await device(c)
    await report(d, 'boiler-1', 3)
    const [a, b] = await Promise.all([byView.waitFor(3), byAccess.waitFor(3)])
    expect(a).toEqual(await stored(c))
    expect(b).toEqual(a)
    expect(a[0]).toEqual({
      _id: expect.any(String),
      device: 'boiler-1',
      seq: 1,
      time: expect.any(Number),
      identity: 'anonymous'
    })
  })
})

describe('/stream: keys and refusals', () => {
  it('takes the key as the first message {"key":"…"} too', async () => {
    const c = await consoles.start()
    const d = await device(c)
    await report(d, 'boiler-1', 2)
    const reader = readers.open(c, 'since=0', { hello: JSON.stringify({ key: VIEW_KEY }) })
    expect(await reader.waitFor(2)).toEqual(await stored(c))
  })

  it('closes with the code and what to do: no key, a wrong one, a key in the URL, bad parameters', async () => {
    const c = await consoles.start({}, { stream: { helloWithinMs: 200 } })
    const validId = (await (async () => {
      const d = await device(c)
      await report(d, 'a', 1)
      return (await stored(c))[0]!._id!
    })()) as string
    const { badRequest, unauthorized } = STREAM_CLOSE_CODES
    const R = STREAM_REQUEST_REFUSALS
    const cases: Array<[string, { key?: string; hello?: string }, number, string]> = [
      ['', {}, unauthorized, STREAM_CLOSE_REASONS.noKey],
      ['', { hello: 'not json' }, unauthorized, STREAM_CLOSE_REASONS.noKey],
      ['', { hello: JSON.stringify({ key: 42 }) }, unauthorized, STREAM_CLOSE_REASONS.noKey],
      ['', { key: 'not-the-key-0123456789' }, unauthorized, STREAM_CLOSE_REASONS.wrongKey],
      ['', { hello: '{"key":"not-the-key"}' }, unauthorized, STREAM_CLOSE_REASONS.wrongKey],
      [`key=${VIEW_KEY}`, {}, badRequest, R.keyInUrl],
      [`since=0&key=${VIEW_KEY}`, { key: VIEW_KEY }, badRequest, R.keyInUrl],
      ['devices=a', { key: VIEW_KEY }, badRequest, R.unknown],
      ['after=not-an-id', { key: VIEW_KEY }, badRequest, R.badAfter],
      ['since=yesterday', { key: VIEW_KEY }, badRequest, R.badSince],
      ['since=2026-11-23T08:00:00', { key: VIEW_KEY }, badRequest, R.badSince],
      [`after=${validId}&since=0`, { key: VIEW_KEY }, badRequest, R.both],
      ['since=1&since=2', { key: VIEW_KEY }, badRequest, R.twice],
      ['device=a,', { key: VIEW_KEY }, badRequest, R.empty],
      [`device=${'x'.repeat(129)}`, { key: VIEW_KEY }, badRequest, R.longPattern],
      [
        `device=${Array.from({ length: 51 }, (_, i) => `d${i}`).join(',')}`,
        { key: VIEW_KEY },
        badRequest,
        R.tooMany
      ],
      [
        `device=${'x'.repeat(STREAM_LIMITS.maxQueryBytes)}`,
        { key: VIEW_KEY },
        badRequest,
        R.tooLong
      ]
    ]
    for (const [query, auth, code, reason] of cases) {
      const reader = readers.open(c, query, auth)
      expect(await reader.closed, `${query} ${JSON.stringify(auth)}`).toEqual({ code, reason })
      expect(reader.reports).toEqual([])
    }
    // Every reason fits a close frame, and none repeats a key.
    for (const reason of [...Object.values(R), ...Object.values(STREAM_CLOSE_REASONS)])
      expect(
        Buffer.byteLength(typeof reason === 'string' ? reason : reason(10_000))
      ).toBeLessThanOrEqual(123)
  })

  it('counts wrong keys with the other doors: past ten, even the right key waits', async () => {
    const c = await consoles.start()
    // A key in the URL is refused unread: it is no guess.
    const inUrl = readers.open(c, `key=wrong-${'x'.repeat(20)}`)
    expect((await inUrl.closed).code).toBe(STREAM_CLOSE_CODES.badRequest)
    for (let i = 0; i < 10; i++) {
      const wrong = readers.open(c, '', { key: `wrong-key-number-${i}` })
      expect((await wrong.closed).code).toBe(STREAM_CLOSE_CODES.unauthorized)
    }
    const right = readers.open(c, '', { key: ACCESS_KEY })
    const closed = await right.closed
    expect(closed.code).toBe(STREAM_CLOSE_CODES.throttled)
    expect(closed.reason).toMatch(/^too many wrong keys from your address: try again in \d+ s$/)
    expect((await api(c, '/api/devices')).status).toBe(429)
  })

  it('never logs a key, whichever way it came', async () => {
    const { logger, lines } = capturingLogger()
    const c = await consoles.start({}, { logger })
    const cases = [
      readers.open(c, '', { key: ACCESS_KEY }),
      readers.open(c, 'since=0', { hello: JSON.stringify({ key: VIEW_KEY }) }),
      readers.open(c, '', { key: 'a-wrong-key-that-is-secret' }),
      readers.open(c, `key=${VIEW_KEY}`)
    ]
    await Promise.all(cases.slice(2).map((r) => r.closed))
    await eventually(() => lines.some((l) => l.msg === 'stream opened'), 'stream opened logged')
    for (const r of cases.slice(0, 2)) r.close()
    await eventually(
      () => lines.filter((l) => l.msg === 'stream closed').length === 2,
      'stream closed logged'
    )
    const text = JSON.stringify(lines)
    expect(text).toContain('wrong key from 127.0.0.1')
    for (const secret of [ACCESS_KEY, VIEW_KEY, 'a-wrong-key-that-is-secret'])
      expect(text).not.toContain(secret)
  })

  it('takes --max-streams at once, and as many waiting for their key; one more is told to retry', async () => {
    const c = await consoles.start({ maxStreams: 2 }, { stream: { helloWithinMs: 60_000 } })
    const open = [readers.open(c, '', { key: VIEW_KEY }), readers.open(c, '', { key: VIEW_KEY })]
    await Promise.all(open.map((r) => r.opened))
    const third = readers.open(c, '', { key: VIEW_KEY })
    expect(await third.closed).toEqual({
      code: STREAM_CLOSE_CODES.tooMany,
      reason: STREAM_CLOSE_REASONS.tooMany(2)
    })
    const waiting = [readers.open(c), readers.open(c)]
    await Promise.all(waiting.map((r) => r.opened))
    expect((await readers.open(c).closed).code).toBe(STREAM_CLOSE_CODES.tooMany)
    await eventually(
      async () => (await api(c, '/api/diagnostics')).body.connections.streams === 2,
      'two streams counted'
    )
    open[0]!.close()
    await eventually(
      async () => (await api(c, '/api/diagnostics')).body.connections.streams === 1,
      'one stream left'
    )
    const again = readers.open(c, '', { key: VIEW_KEY })
    const d = await device(c)
    await again.opened
    await report(d, 'a', 1)
    expect(await again.waitFor(1)).toHaveLength(1)
  })

  it('is behind the request guard like every upgrade, beside Socket.IO on the same port', async () => {
    const c = await consoles.start()
    const port = c.addresses.web.port
    const otherOrigin = readers.open(c, '', { key: VIEW_KEY }, { origin: 'http://evil.test' })
    await expect(otherOrigin.opened).rejects.toMatchObject({ status: 403 })
    const rebound = readers.open(
      c,
      '',
      { key: VIEW_KEY },
      { headers: { host: `evil.test:${port}` } }
    )
    await expect(rebound.opened).rejects.toMatchObject({ status: 421 })
    // The console's own page may.
    const ownPage = readers.open(c, '', { key: VIEW_KEY }, { origin: `http://127.0.0.1:${port}` })
    await ownPage.opened

    const viewer = liveClient(c, VIEW_KEY)
    try {
      expect((await nextEvent<{ role: string }>(viewer, 'hello')).role).toBe('viewer')
    } finally {
      viewer.disconnect()
    }
    const elsewhere = await rawUpgrade(port, '/streams')
    expect(elsewhere).toMatch(/^HTTP\/1\.1 404 /)
    expect(JSON.parse(elsewhere.slice(elsewhere.indexOf('\r\n\r\n') + 4))).toEqual({
      error: 'not_found',
      message: 'no WebSocket endpoint at this path: /stream and /socket.io/ take upgrades'
    })
  })
})

/** A WebSocket upgrade request to `path`, written by hand; the raw answer. */
function rawUpgrade(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let answer = ''
    socket.setEncoding('utf8').on('data', (t: string) => (answer += t))
    socket.on('close', () => resolve(answer))
    socket.on('error', reject)
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'
    )
  })
}

describe('/stream: what it sends', () => {
  it('sends only the devices its patterns name (repeated or comma-separated, * and ?), live and from the store', async () => {
    const c = await consoles.start()
    const patterns = 'device=boiler-*&device=pump-%3F,valve'
    const live = readers.open(c, patterns, { key: VIEW_KEY })
    const literal = readers.open(c, 'device=valve,pump-1', { key: VIEW_KEY })
    await Promise.all([live.opened, literal.opened])
    const d = await device(c)
    for (const id of ['boiler-1', 'boiler-22', 'pump-1', 'pump-12', 'valve', 'valve-2', 'other'])
      await report(d, id, 2)
    const wanted = ['boiler-1', 'boiler-22', 'pump-1', 'valve']
    const expected = (await stored(c)).filter((r) => wanted.includes(r.device))
    expect(await live.waitFor(8)).toEqual(expected)
    expect(await literal.waitFor(4)).toEqual(
      expected.filter((r) => r.device !== 'boiler-1' && r.device !== 'boiler-22')
    )
    const fromStore = readers.open(c, `${patterns}&since=0`, { key: VIEW_KEY })
    const literalFromStore = readers.open(c, 'device=valve,pump-1&since=0', { key: VIEW_KEY })
    expect(await fromStore.waitFor(8)).toEqual(expected)
    expect(await literalFromStore.waitFor(4)).toEqual(literal.reports)
    await report(d, 'boiler-1', 1, 3)
    await fromStore.waitFor(9)
    expect(fromStore.reports.at(-1)).toMatchObject({ device: 'boiler-1', seq: 3 })
    expect(live.reports).toHaveLength(9)
  })

  it('resumes with after= the last id seen: exactly the reports it missed, then live', async () => {
    const c = await consoles.start()
    const first = readers.open(c, '', { key: VIEW_KEY })
    await first.opened
    const d = await device(c)
    await report(d, 'a', 100)
    await report(d, 'b', 100)
    await first.waitFor(200)
    first.close()
    await first.closed
    await report(d, 'a', 150, 101)
    const resumed = readers.open(c, `after=${first.reports.at(-1)!._id}`, { key: VIEW_KEY })
    const all = await stored(c)
    expect(await resumed.waitFor(150)).toEqual(all.slice(200))
    await report(d, 'b', 5, 101)
    await resumed.waitFor(155)
    expect([...first.reports, ...resumed.reports]).toEqual(await stored(c))
    expectInOrder([...first.reports, ...resumed.reports])
    // After the newest report: only what comes next.
    const atEnd = readers.open(c, `after=${resumed.reports.at(-1)!._id}`, { key: VIEW_KEY })
    await atEnd.opened
    await report(d, 'c', 1)
    expect((await atEnd.waitFor(1))[0]).toMatchObject({ device: 'c', seq: 1 })
  })

  it('starts since= a time, epoch ms or ISO 8601: from the first report received then', async () => {
    const c = await consoles.start()
    const d = await device(c)
    await report(d, 'a', 3)
    const [earlier] = await stored(c)
    // Reports of one packet share their receive time: the next must come a millisecond later.
    await eventually(() => Date.now() > earlier!.time, 'a millisecond passed')
    await report(d, 'a', 3, 4)
    const later = (await stored(c))[3]!
    expect(later.time).toBeGreaterThan(earlier!.time)
    const byMs = readers.open(c, `since=${later.time}`, { key: VIEW_KEY })
    const byIso = readers.open(c, `since=${new Date(later.time).toISOString()}`, { key: VIEW_KEY })
    const expected = (await stored(c)).slice(3)
    expect(await byMs.waitFor(3)).toEqual(expected)
    expect(await byIso.waitFor(3)).toEqual(expected)
    const future = readers.open(c, `since=${Date.now() + 3_600_000}`, { key: VIEW_KEY })
    await future.opened
    await report(d, 'a', 1, 7)
    await byMs.waitFor(4)
    expect(future.reports).toEqual([])
  })

  it('closes after= an id retention deleted what followed with unknownReport, telling to use since=', async () => {
    const c = await consoles.start({ partitionMaxReports: 500, retentionReports: 1000 })
    const all = readers.open(c, '', { key: VIEW_KEY })
    await all.opened
    const d = await device(c)
    for (let i = 0; i < 7; i++) await report(d, 'a', 250, 1 + i * 250)
    await all.waitFor(1750)
    await eventually(
      async () => (await api(c, '/api/diagnostics')).body.store.reports <= 1000,
      'retention deleted the oldest partitions'
    )
    const kept = await stored(c)
    const gone = readers.open(c, `after=${all.reports[0]!._id}`, { key: VIEW_KEY })
    expect(await gone.closed).toEqual({
      code: STREAM_CLOSE_CODES.unknownReport,
      reason: STREAM_CLOSE_REASONS.lost
    })
    // The oldest kept report itself is a place to resume from.
    const oldest = kept[0]!
    const fromOldest = readers.open(c, `after=${oldest._id}`, { key: VIEW_KEY })
    expect(await fromOldest.waitFor(kept.length - 1)).toEqual(kept.slice(1))
  })

  it('goes from the store to live with no gap and no repeat while reports keep coming', async () => {
    const c = await consoles.start({}, { stream: { feed: { chunk: 64 } } })
    const d = await device(c)
    await report(d, 'm', 2000)
    const fromStart = readers.open(c, 'since=0', { key: VIEW_KEY })
    const joined: Array<{ reader: ReturnType<typeof readers.open>; from: number }> = []
    const total = 2000 + 40 * 200
    for (let i = 0; i < 40; i++) {
      await report(d, 'm', 200, 2001 + i * 200)
      if (i === 10) joined.push({ reader: readers.open(c, 'since=0', { key: VIEW_KEY }), from: 0 })
      if (i === 25) {
        const seen = fromStart.reports.length
        joined.push({
          reader: readers.open(c, `after=${fromStart.reports[seen - 1]!._id}`, { key: VIEW_KEY }),
          from: seen
        })
      }
    }
    const everything = await stored(c)
    expect(everything).toHaveLength(total)
    expect(await fromStart.waitFor(total)).toEqual(everything)
    for (const { reader, from } of joined)
      expect(await reader.waitFor(total - from)).toEqual(everything.slice(from))
    expectInOrder(fromStart.reports)
  })
})

describe('/stream: slow and gone readers', () => {
  it('a reader that stops reading holds about a MiB in the console, holds up neither ingest nor other readers, then gets everything', async () => {
    const c = await consoles.start()
    const slow = readers.open(c, '', { key: VIEW_KEY })
    const fast = readers.open(c, '', { key: VIEW_KEY })
    await Promise.all([slow.opened, fast.opened])
    slow.pause()
    const d = await device(c)
    // 10,000 reports of 2 KB: 20 MB, far past what the kernel buffers between the two ends.
    const count = 10_000
    const pad = 'x'.repeat(2000)
    const queued: number[] = []
    let sampling = true
    const sampler = (async () => {
      while (sampling) {
        queued.push((await api(c, '/api/diagnostics')).body.streams.queuedBytes)
        await new Promise((r) => setTimeout(r, 50))
      }
    })()
    for (let i = 0; i < count / 500; i++) await report(d, 'big', 500, 1 + i * 500, { pad })
    // Every ack came while the slow reader read nothing; the fast one has it all already.
    await fast.waitFor(count)
    sampling = false
    await sampler
    const diagnostics = (await api(c, '/api/diagnostics')).body
    expect(diagnostics.connections.streams).toBe(2)
    expect(diagnostics.streams.catchingUp).toBe(1)
    // At most the high-water mark and one report more, whatever was stored meanwhile.
    const bound = 1024 * 1024 + 4096
    expect(Math.max(...queued, diagnostics.streams.queuedBytes)).toBeLessThanOrEqual(bound)
    expect(diagnostics.streams.queuedBytes).toBeGreaterThan(0)
    expect(slow.reports.length).toBeLessThan(count)

    slow.resume()
    await slow.waitFor(count, 60_000)
    expect(slow.reports).toEqual(fast.reports)
    expectInOrder(slow.reports)
    // Caught up, it is live again.
    await report(d, 'big', 1, count + 1)
    await slow.waitFor(count + 1)
    await eventually(
      async () => (await api(c, '/api/diagnostics')).body.streams.catchingUp === 0,
      'no stream catching up'
    )
  }, 90_000)

  it('cuts a connection that answers no ping', async () => {
    const c = await consoles.start({}, { stream: { heartbeatMs: 100 } })
    const deaf = readers.open(c, '', { key: VIEW_KEY }, { autoPong: false })
    const alive = readers.open(c, '', { key: VIEW_KEY })
    expect((await deaf.closed).code).toBe(1006)
    expect(alive.ws.readyState).toBe(alive.ws.OPEN)
  })

  it('tells every stream where to resume when the console stops', async () => {
    const c = await consoles.start()
    const reader = readers.open(c, '', { key: VIEW_KEY })
    await reader.opened
    await c.stop()
    expect(await reader.closed).toEqual({ code: 1001, reason: STREAM_CLOSE_REASONS.stopping })
  })
})
