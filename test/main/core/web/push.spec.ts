import { afterEach, describe, expect, it } from 'vitest'

import { DOCUMENT_LIMITS } from '../../../../src/shared/ingest-protocol'
import type { PushClientState } from '../../../../src/shared/live-events'
import type { PushMessage } from '../../../../src/shared/push-events'
import {
  api,
  eventually,
  liveClient,
  nextEvent,
  pushClient,
  startConsole,
  VIEW_KEY,
  type PushClient,
  type RunningConsole
} from '../../../support/console'
import { tempDirs } from '../../../support/temp-dir'

const dirs = tempDirs()
const consoles: RunningConsole[] = []
const sockets: Array<{ close(): void }> = []

async function startOn(
  dataDir: string,
  config: Parameters<typeof startConsole>[1] = {},
  deps: Parameters<typeof startConsole>[2] = {}
): Promise<RunningConsole> {
  const c = await startConsole(dataDir, config, deps)
  consoles.push(c)
  return c
}

function client(c: RunningConsole, auth: Record<string, string> = {}): PushClient {
  const s = pushClient(c, auth)
  sockets.push(s)
  return s
}

/** A client that registers and records the messages it gets, acknowledging each. */
async function registered(
  c: RunningConsole,
  uid: string,
  name?: string
): Promise<{ socket: PushClient; token: string; inbox: PushMessage[] }> {
  const socket = client(c)
  const inbox: PushMessage[] = []
  socket.on('message', (message, ack) => {
    inbox.push(message)
    ack()
  })
  const answer = await socket
    .timeout(5000)
    .emitWithAck('register', name === undefined ? { uid } : { uid, name })
  if (!answer.ok) throw new Error(answer.error.message)
  return { socket, token: answer.data.token, inbox }
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close()
  await Promise.all(consoles.splice(0).map((c) => c.stop()))
  await dirs.cleanup()
})

describe('/push and the messages API', () => {
  it('registers a client: the token in the acknowledgement and in _register, the same after a reconnect and a restart', async () => {
    const dataDir = await dirs.make()
    const c = await startOn(dataDir)
    const socket = client(c)
    const legacy = nextEvent<{ token: string }>(socket, '_register')
    const answer = await socket
      .timeout(5000)
      .emitWithAck('register', { uid: 'phone-1', name: 'Shift lead' })
    expect(answer).toEqual({ ok: true, data: { token: expect.stringMatching(/^[\w-]{32}$/) } })
    const token = answer.ok ? answer.data.token : ''
    expect(await legacy).toEqual({ token })
    socket.close()

    expect((await registered(c, 'phone-1')).token).toBe(token)
    await c.stop()
    consoles.splice(consoles.indexOf(c), 1)
    const again = await startOn(dataDir)
    expect((await registered(again, 'phone-1')).token).toBe(token)
  })

  it('rejects a bad registration with a clear error', async () => {
    const c = await startOn(await dirs.make())
    const answer = await client(c).timeout(5000).emitWithAck('register', { uid: '' })
    expect(answer).toEqual({
      ok: false,
      error: { code: 'bad_request', message: 'uid: must not be empty' }
    })
  })

  it('broadcasts to every connected client and records delivery and receipts per client', async () => {
    const c = await startOn(await dirs.make())
    const a = await registered(c, 'a')
    const b = await registered(c, 'b')
    const sent = await api(c, '/api/messages', {
      method: 'POST',
      body: JSON.stringify({ data: { text: 'shift change at 14:00' } })
    })
    expect(sent.status).toBe(202)
    expect(sent.body).toEqual({ id: expect.any(String), recipients: ['a', 'b'] })
    await eventually(() => a.inbox.length === 1 && b.inbox.length === 1, 'both clients got it')
    expect(a.inbox[0]).toEqual({
      id: sent.body.id,
      data: { text: 'shift change at 14:00' },
      broadcast: true,
      time: expect.any(Number)
    })

    expect(
      await a.socket.timeout(5000).emitWithAck('report', { id: sent.body.id, status: 'read' })
    ).toEqual({ ok: true, data: null })
    await eventually(async () => {
      const state = (await api(c, `/api/messages/${sent.body.id}`, { key: VIEW_KEY })).body
      return state.recipients?.every((r: { state: string }) => r.state === 'delivered')
    }, 'delivered to both')
    const { body } = await api(c, `/api/messages/${sent.body.id}`)
    expect(body.recipients).toEqual([
      {
        uid: 'a',
        state: 'delivered',
        sentAt: expect.any(Number),
        deliveredAt: expect.any(Number),
        receipt: { status: 'read', time: expect.any(Number) }
      },
      {
        uid: 'b',
        state: 'delivered',
        sentAt: expect.any(Number),
        deliveredAt: expect.any(Number),
        receipt: null
      }
    ])
    const clients = (await api(c, '/api/clients', { key: VIEW_KEY })).body as PushClientState[]
    expect(clients.find((x) => x.uid === 'a')).toMatchObject({
      online: true,
      lastReceipt: { id: sent.body.id, status: 'read' }
    })
    expect(JSON.stringify(clients)).not.toContain(a.token)
  })

  it('sends point to point by uid or token, and keeps a message for an offline client until it is back', async () => {
    const c = await startOn(await dirs.make())
    const a = await registered(c, 'a')
    const b = await registered(c, 'b')
    await api(c, '/api/messages', {
      method: 'POST',
      body: JSON.stringify({ to: 'a', data: 'for a' })
    })
    await api(c, '/api/messages', {
      method: 'POST',
      body: JSON.stringify({ to: b.token, data: 'for b' })
    })
    await eventually(() => a.inbox.length === 1 && b.inbox.length === 1, 'one each')
    expect([a.inbox[0]!.data, a.inbox[0]!.broadcast, b.inbox[0]!.data]).toEqual([
      'for a',
      false,
      'for b'
    ])

    b.socket.close()
    await eventually(
      async () =>
        (await api(c, '/api/clients')).body.find((x: PushClientState) => x.uid === 'b').online ===
        false,
      'b offline'
    )
    const queued = await api(c, '/api/messages', {
      method: 'POST',
      body: JSON.stringify({ to: 'b', data: 'while you were away' })
    })
    expect(queued.status).toBe(202)
    expect((await api(c, `/api/messages/${queued.body.id}`)).body.recipients[0].state).toBe(
      'queued'
    )

    const back = await registered(c, 'b')
    await eventually(() => back.inbox.length === 1, 'the queued message')
    expect(back.inbox[0]!.data).toBe('while you were away')
  })

  it('keeps a waiting message through a console restart', async () => {
    const dataDir = await dirs.make()
    const c = await startOn(dataDir)
    const away = await registered(c, 'away')
    away.socket.close()
    await eventually(async () => (await api(c, '/api/clients')).body[0].online === false, 'offline')
    const sent = await api(c, '/api/messages', {
      method: 'POST',
      body: JSON.stringify({ to: 'away', data: 'after the restart' })
    })
    await c.stop()
    consoles.splice(consoles.indexOf(c), 1)
    const again = await startOn(dataDir)
    const back = await registered(again, 'away')
    await eventually(() => back.inbox.length === 1, 'the waiting message')
    expect(back.inbox[0]).toMatchObject({ id: sent.body.id, data: 'after the restart' })
  })

  it('expires a message whose client never comes back', async () => {
    const c = await startOn(await dirs.make(), { pushTtlMs: 1000 }, { push: { sweepMs: 100 } })
    const gone = await registered(c, 'gone')
    gone.socket.close()
    await eventually(async () => (await api(c, '/api/clients')).body[0].online === false, 'offline')
    const sent = await api(c, '/api/messages', {
      method: 'POST',
      body: JSON.stringify({ to: 'gone', data: 'too late' })
    })
    expect((await api(c, `/api/messages/${sent.body.id}`)).body.recipients[0].state).toBe('queued')
    await eventually(
      async () =>
        (await api(c, `/api/messages/${sent.body.id}`)).body.recipients[0].state === 'expired',
      'expired',
      4000
    )
    const back = await registered(c, 'gone')
    await new Promise((r) => setTimeout(r, 200))
    expect(back.inbox).toEqual([])
  })

  it('keeps a client connected and served when it registers twice on the same connection', async () => {
    const c = await startOn(await dirs.make())
    const a = await registered(c, 'twice')
    const again = await a.socket
      .timeout(5000)
      .emitWithAck('register', { uid: 'twice', name: 'renamed' })
    expect(again).toEqual({ ok: true, data: { token: a.token } })
    expect(a.socket.connected).toBe(true)
    await api(c, '/api/messages', {
      method: 'POST',
      body: JSON.stringify({ to: 'twice', data: 'still here' })
    })
    await eventually(() => a.inbox.length === 1, 'the message')
    expect((await api(c, '/api/clients')).body).toEqual([
      expect.objectContaining({ uid: 'twice', name: 'renamed', online: true })
    ])
  })

  it('hands a uid to its newest connection and drops the older one', async () => {
    const c = await startOn(await dirs.make())
    const old = await registered(c, 'phone')
    const fresh = await registered(c, 'phone')
    await eventually(() => old.socket.disconnected, 'the old connection dropped')
    await api(c, '/api/messages', {
      method: 'POST',
      body: JSON.stringify({ to: 'phone', data: 'to the new one' })
    })
    await eventually(() => fresh.inbox.length === 1, 'delivered to the new connection')
    expect(old.inbox).toEqual([])
  })

  it('queues a message again when the client does not acknowledge it, and re-sends it when it is back', async () => {
    const c = await startOn(await dirs.make(), {}, { push: { ackTimeoutMs: 300 } })
    const mute = client(c)
    let seen = 0
    mute.on('message', () => (seen += 1)) // receives, never acknowledges
    await mute.timeout(5000).emitWithAck('register', { uid: 'mute' })
    const sent = await api(c, '/api/messages', {
      method: 'POST',
      body: JSON.stringify({ to: 'mute', data: 'ack me' })
    })
    await eventually(() => seen === 1, 'received once')
    await eventually(
      async () =>
        (await api(c, `/api/messages/${sent.body.id}`)).body.recipients[0].state === 'queued',
      'queued again'
    )
    mute.close()
    const back = await registered(c, 'mute')
    await eventually(() => back.inbox.length === 1, 're-sent')
    await eventually(
      async () =>
        (await api(c, `/api/messages/${sent.body.id}`)).body.recipients[0].state === 'delivered',
      'delivered'
    )
  })

  it('records receipts that arrive together from many clients', async () => {
    const c = await startOn(await dirs.make())
    const many = await Promise.all(Array.from({ length: 8 }, (_, i) => registered(c, `c${i}`)))
    const sent = await api(c, '/api/messages', {
      method: 'POST',
      body: JSON.stringify({ data: 'all hands' })
    })
    await eventually(() => many.every((m) => m.inbox.length === 1), 'everyone got it')
    await Promise.all(
      many.map((m) =>
        m.socket.timeout(5000).emitWithAck('report', { id: sent.body.id, status: 'seen' })
      )
    )
    await c.stop()
    consoles.splice(consoles.indexOf(c), 1)
    const again = await startOn(c.dataDir)
    const { body } = await api(again, `/api/messages/${sent.body.id}`)
    expect(
      body.recipients.map((r: { receipt: { status: string } | null }) => r.receipt?.status)
    ).toEqual(Array(8).fill('seen'))
  })

  it('takes a receipt with a comment of up to 500 characters, and refuses a longer one', async () => {
    const c = await startOn(await dirs.make())
    const a = await registered(c, 'a')
    const sent = await api(c, '/api/messages', {
      method: 'POST',
      body: JSON.stringify({ to: 'a', data: 'boiler too hot' })
    })
    await eventually(() => a.inbox.length === 1, 'a got it')
    const report = (comment: string) =>
      a.socket.timeout(5000).emitWithAck('report', { id: sent.body.id, status: 'ack', comment })
    expect(await report('x'.repeat(501))).toEqual({
      ok: false,
      error: { code: 'bad_request', message: 'comment: at most 500 characters' }
    })
    expect(await report('x'.repeat(500))).toEqual({ ok: true, data: null })
    const { body } = await api(c, `/api/messages/${sent.body.id}`)
    expect(body.recipients[0].receipt).toEqual({ status: 'ack', time: expect.any(Number) })
  })

  it.each([
    [{ method: 'POST', body: JSON.stringify({ to: 'nobody', data: 1 }) }, 404, 'not_found'],
    [{ method: 'POST', body: JSON.stringify({ to: 'a' }) }, 400, 'bad_request'],
    [{ method: 'POST', body: '[1,2]' }, 400, 'bad_request'],
    [{ method: 'POST', body: '{"data":' }, 400, 'bad_json'],
    [
      {
        method: 'POST',
        body: JSON.stringify({ data: 1 }),
        headers: { 'content-type': 'text/plain' }
      },
      415,
      'unsupported_media_type'
    ],
    [{ method: 'POST', body: JSON.stringify({ data: 'x'.repeat(70_000) }) }, 413, 'too_large'],
    [{ method: 'POST', body: JSON.stringify({ data: 1 }), key: VIEW_KEY }, 403, 'forbidden'],
    [
      { method: 'POST', body: JSON.stringify({ data: 1 }), key: 'wrong-key-wrong-key' },
      401,
      'unauthorized'
    ],
    [{ method: 'GET' }, 405, 'method_not_allowed']
  ])('answers a bad message request %j with %i %s', async (init, status, code) => {
    const c = await startOn(await dirs.make())
    await registered(c, 'a')
    const res = await api(c, '/api/messages', init as RequestInit & { key?: string })
    expect(res.status).toBe(status)
    expect(res.body).toEqual({ error: code, message: expect.any(String) })
  })

  it('refuses message data the store cannot keep with a 400 naming the rule, and sends none of it', async () => {
    const c = await startOn(await dirs.make())
    const a = await registered(c, 'a')
    const { maxArrayDepth, maxValues } = DOCUMENT_LIMITS
    const refused: Array<[body: string, message: string]> = [
      ['{"data":{"$set":{"a":1}}}', 'data: $set: field names must not start with "$"'],
      ['{"to":"a","data":{"x":[{"a.b":1}]}}', 'data: a.b: field names must not contain "."'],
      [
        '{"data":{"x":{"__proto__":{"admin":true}}}}',
        'data: __proto__: not allowed as a field name'
      ],
      ['{"data":{"v":1e999}}', 'data: v: number out of range (beyond ±1.8e308)'],
      ['{"data":-1e999}', 'data: number out of range (beyond ±1.8e308)'],
      [
        `{"data":${'['.repeat(maxArrayDepth + 1)}${']'.repeat(maxArrayDepth + 1)}}`,
        `data: arrays nested deeper than ${maxArrayDepth} levels`
      ],
      [
        JSON.stringify({ data: Array(maxValues + 1).fill(0) }),
        `data: more than ${maxValues} values (fields and array elements)`
      ]
    ]
    for (const [body, message] of refused) {
      const res = await api(c, '/api/messages', { method: 'POST', body })
      expect([body, res.status, res.body]).toEqual([body, 400, { error: 'bad_request', message }])
    }
    const sent = await api(c, '/api/messages', {
      method: 'POST',
      body: JSON.stringify({ to: 'a', data: { fine: [[1, 2]] } })
    })
    expect(sent.status).toBe(202)
    await eventually(() => a.inbox.length === 1, 'the good message delivered')
    expect(a.inbox.map((m) => m.data)).toEqual([{ fine: [[1, 2]] }])
  })

  it('answers 404 for an unknown message id', async () => {
    const c = await startOn(await dirs.make())
    expect((await api(c, '/api/messages/no-such-id')).status).toBe(404)
  })

  it('refuses one push client more than the limit, with a clear message', async () => {
    const c = await startOn(await dirs.make(), { maxPushClients: 2 })
    await registered(c, 'one')
    await registered(c, 'two')
    const err = await nextEvent<Error>(client(c), 'connect_error')
    expect(err.message).toMatch(/at most 2 push clients/)
  })

  it('takes a larger body when --max-body-bytes allows it', async () => {
    const c = await startOn(await dirs.make(), { maxBodyBytes: 256 * 1024 })
    await registered(c, 'a')
    const res = await api(c, '/api/messages', {
      method: 'POST',
      body: JSON.stringify({ to: 'a', data: 'x'.repeat(100_000) })
    })
    expect(res.status).toBe(202)
  })

  it('requires the push key when one is set', async () => {
    const c = await startOn(await dirs.make(), { pushKey: 'push-key-123' })
    const err = await nextEvent<Error>(client(c), 'connect_error')
    expect(err.message).toMatch(/push key/)
    const ok = client(c, { key: 'push-key-123' })
    expect(await ok.timeout(5000).emitWithAck('register', { uid: 'k' })).toMatchObject({ ok: true })
  })

  it('shows push clients to /live viewers as they come and go', async () => {
    const c = await startOn(await dirs.make())
    const viewer = liveClient(c, VIEW_KEY)
    sockets.push(viewer)
    const seen: PushClientState[] = []
    viewer.on('clients', (clients) => seen.push(...clients))
    await nextEvent(viewer, 'clients')
    const a = await registered(c, 'tablet', 'Tablet 3')
    await eventually(
      () => seen.some((x) => x.uid === 'tablet' && x.online && x.name === 'Tablet 3'),
      'tablet online'
    )
    a.socket.close()
    await eventually(() => seen.some((x) => x.uid === 'tablet' && !x.online), 'tablet offline')
    expect(JSON.stringify(seen)).not.toContain(a.token)
  })
})
