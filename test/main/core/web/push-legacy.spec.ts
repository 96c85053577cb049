import { io, type Socket } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'

import type { PushMessage } from '../../../../src/shared/push-events'
import {
  api,
  eventually,
  nextEvent,
  pushClient,
  startConsole,
  type RunningConsole
} from '../../../support/console'
import { tempDirs } from '../../../support/temp-dir'

const dirs = tempDirs()
const consoles: RunningConsole[] = []
const sockets: Array<{ close(): void }> = []

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close()
  await Promise.all(consoles.splice(0).map((c) => c.stop()))
  await dirs.cleanup()
})

async function startOn(deps: Parameters<typeof startConsole>[2] = {}): Promise<RunningConsole> {
  const c = await startConsole(await dirs.make(), {}, deps)
  consoles.push(c)
  return c
}

/**
 * A client of the Android-era protocol, untyped as it was written: it registers with
 * `{ data: uid }`, takes its token from `_register` and records every event it gets by name,
 * never acknowledging one (the old app's listeners took no ack).
 */
async function legacyClient(
  c: RunningConsole,
  uid: string
): Promise<{ socket: Socket; token: string; got: Array<[event: string, message: PushMessage]> }> {
  const socket = io(`${c.base}/push`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true
  })
  sockets.push(socket)
  const got: Array<[string, PushMessage]> = []
  socket.onAny((event: string, message: PushMessage) => {
    if (event !== '_register') got.push([event, message])
  })
  const registered = nextEvent<{ data: string; token: string }>(socket, '_register')
  socket.emit('register', { data: uid })
  const { data: token } = await registered
  return { socket, token, got }
}

const send = (c: RunningConsole, body: Record<string, unknown>) =>
  api(c, '/api/messages', { method: 'POST', body: JSON.stringify(body) })
const recipient = async (c: RunningConsole, id: string) =>
  (await api(c, `/api/messages/${id}`)).body.recipients[0]

describe('/push for Android-era clients', () => {
  it('registers { data: uid }: the token in _register as data, the same as the uid registered today', async () => {
    const c = await startOn()
    const old = io(`${c.base}/push`, { transports: ['websocket'], reconnection: false })
    sockets.push(old)
    const registered = nextEvent(old, '_register')
    const answer = await old.timeout(5000).emitWithAck('register', { data: 'phone-7' })
    expect(answer).toEqual({ ok: true, data: { token: expect.any(String) } })
    expect(await registered).toEqual({ data: answer.data.token, token: answer.data.token })
    old.close()

    // The same uid registered today's way gets the same token, and `_register` as it always was.
    const today = pushClient(c)
    sockets.push(today)
    const again = nextEvent(today, '_register')
    const answer2 = await today.timeout(5000).emitWithAck('register', { uid: 'phone-7' })
    expect(answer2).toEqual(answer)
    expect(await again).toEqual({ token: answer.data.token })
  })

  it('takes data with the limits of a uid, naming the field it was sent in', async () => {
    const c = await startOn()
    const s = pushClient(c)
    sockets.push(s)
    const register = (payload: unknown) =>
      s.timeout(5000).emitWithAck('register', payload as { data: string })
    expect(await register({ data: '' })).toEqual({
      ok: false,
      error: { code: 'bad_request', message: 'data: must not be empty' }
    })
    expect(await register({ data: 'x'.repeat(129) })).toEqual({
      ok: false,
      error: { code: 'bad_request', message: 'data: at most 128 characters' }
    })
    expect(await register({ data: 42 })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' }
    })
    expect(await register({ data: 'pho\u202ene' })).toEqual({
      ok: false,
      error: {
        code: 'bad_request',
        message: 'data: must not contain invisible format characters (found \\u202e)'
      }
    })
    expect(await register({ data: 'x'.repeat(128) })).toMatchObject({ ok: true })
  })

  it('sends point-to-point messages on the token event and on message, broadcasts on message only', async () => {
    const c = await startOn()
    const old = await legacyClient(c, 'phone-1')
    const direct = await send(c, { to: 'phone-1', data: 'just you' })
    await eventually(() => old.got.length === 2, 'the direct message on both events')
    const broadcast = await send(c, { data: 'everyone' })
    await eventually(() => old.got.length === 3, 'the broadcast')
    const sent = (id: string, data: unknown, isBroadcast: boolean) => ({
      id,
      data,
      broadcast: isBroadcast,
      time: expect.any(Number)
    })
    // The two emits go out together: in either order.
    expect(old.got.slice(0, 2)).toEqual(
      expect.arrayContaining([
        [old.token, sent(direct.body.id, 'just you', false)],
        ['message', sent(direct.body.id, 'just you', false)]
      ])
    )
    expect(old.got[2]).toEqual(['message', sent(broadcast.body.id, 'everyone', true)])
  })

  it('never sends a client registered today the token event', async () => {
    const c = await startOn()
    const today = pushClient(c)
    sockets.push(today)
    const events: string[] = []
    today.onAny((event: string) => events.push(event))
    today.on('message', (_m, ack) => ack())
    await today.timeout(5000).emitWithAck('register', { uid: 'phone-2' })
    await send(c, { to: 'phone-2', data: 'one' })
    await eventually(() => events.includes('message'), 'the message')
    expect(events).toEqual(['_register', 'message'])
  })

  it('attributes an id-less receipt (reporter or report, bare or { status }) to the last message sent', async () => {
    const c = await startOn()
    const old = await legacyClient(c, 'phone-3')
    const none = await old.socket.timeout(5000).emitWithAck('reporter', 'ack')
    expect(none).toEqual({
      ok: false,
      error: {
        code: 'not_found',
        message:
          'a receipt without an id is about the last message sent to this client, and none was sent within the time to live'
      }
    })

    const first = await send(c, { to: 'phone-3', data: 1 })
    await eventually(() => old.got.length === 2, 'the first message')
    expect(await old.socket.timeout(5000).emitWithAck('reporter', 'delivered')).toEqual({
      ok: true,
      data: null
    })
    const second = await send(c, { data: 2 })
    await eventually(() => old.got.length === 3, 'the broadcast')
    expect(await old.socket.timeout(5000).emitWithAck('report', { status: 'read' })).toEqual({
      ok: true,
      data: null
    })
    // The old clients sent no acknowledgement callback either: the receipt is taken all the same.
    const third = await send(c, { to: old.token, data: 3 })
    await eventually(() => old.got.length === 5, 'the third message')
    old.socket.emit('reporter', 'ack')

    await eventually(
      async () => (await recipient(c, third.body.id)).receipt?.status === 'ack',
      'the receipt without a callback'
    )
    expect(await recipient(c, first.body.id)).toMatchObject({
      state: 'delivered',
      receipt: { status: 'delivered' }
    })
    expect(await recipient(c, second.body.id)).toMatchObject({
      state: 'delivered',
      receipt: { status: 'read' }
    })
    const clients = (await api(c, '/api/clients')).body as Array<{
      uid: string
      lastReceipt: unknown
    }>
    expect(clients.find((x) => x.uid === 'phone-3')?.lastReceipt).toMatchObject({
      id: third.body.id,
      status: 'ack'
    })
    expect(await old.socket.timeout(5000).emitWithAck('reporter', 'x'.repeat(65))).toEqual({
      ok: false,
      error: { code: 'bad_request', message: 'status: at most 64 characters' }
    })
  })

  it('counts a receipt as delivery for a client that never acknowledges: not queued again', async () => {
    const c = await startOn({ push: { ackTimeoutMs: 300 } })
    const old = await legacyClient(c, 'phone-4')
    const answered = await send(c, { to: 'phone-4', data: 'answered' })
    await eventually(() => old.got.length === 2, 'the first message')
    await old.socket.timeout(5000).emitWithAck('reporter', 'delivered')
    const silent = await send(c, { to: 'phone-4', data: 'no receipt' })
    // The silent one goes back to queued once its ack times out, after the first one's did.
    await eventually(
      async () => (await recipient(c, silent.body.id)).state === 'queued',
      'the unanswered message queued again'
    )
    expect(await recipient(c, answered.body.id)).toMatchObject({
      state: 'delivered',
      receipt: { status: 'delivered' }
    })
  })
})
