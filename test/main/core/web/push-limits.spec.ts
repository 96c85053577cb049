import { afterEach, describe, expect, it } from 'vitest'

import {
  consoleFixture,
  liveClient,
  nextEvent,
  pushClient,
  VIEW_KEY,
  type PushClient,
  type RunningConsole
} from '../../../support/console'

// What one connection, or one address, may do to /push: the bounds on registrations and the
// push key's throttle, through real socket.io-client connections.

const consoles = consoleFixture()
const sockets: Array<{ close(): void }> = []
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close()
  await consoles.cleanup()
})

function client(c: RunningConsole, auth: Record<string, string> = {}): PushClient {
  const s = pushClient(c, auth)
  sockets.push(s)
  return s
}

function register(socket: PushClient, uid: string) {
  return socket.timeout(5000).emitWithAck('register', { uid })
}

describe('/push registration bounds', () => {
  it('lets one connection register a handful of uids, and refuses more with a clear error', async () => {
    const c = await consoles.start()
    const socket = client(c)
    for (const uid of ['a', 'b', 'c', 'd'])
      expect(await register(socket, uid)).toMatchObject({ ok: true })
    // Sent together: none of them slips past the bound while the first is being written.
    const burst = await Promise.all(['e', 'f', 'g'].map((uid) => register(socket, uid)))
    for (const answer of burst)
      expect(answer).toMatchObject({
        ok: false,
        error: { code: 'too_many_uids', message: expect.stringMatching(/at most 4 uids/) }
      })
    expect(await register(socket, 'b')).toMatchObject({ ok: true }) // one of its own, again
    expect(c.core.operations.pushClients().map((x) => x.uid)).toEqual(['a', 'b', 'c', 'd'])
  })

  it('lets one address add a bounded number of new uids a minute; known uids always come back', async () => {
    let clock = Date.now()
    const c = await consoles.start({}, { now: () => clock })
    let registered = 0
    let refused: { ok: false; error: { code: string; message: string } } | undefined
    for (let n = 0; refused === undefined && n < 20; n++) {
      const socket = client(c)
      for (let i = 0; i < 4 && refused === undefined; i++) {
        const answer = await register(socket, `u${n}-${i}`)
        if (answer.ok) registered += 1
        else refused = answer
      }
    }
    expect(registered).toBe(30)
    expect(refused).toMatchObject({
      error: {
        code: 'too_many_registrations',
        message: expect.stringMatching(/try again in \d+ s/)
      }
    })
    // A phone that registered before gets back in (a Wi-Fi blip behind a NAT is no flood).
    expect(await register(client(c), 'u0-0')).toMatchObject({ ok: true })

    clock += 61_000
    expect(await register(client(c), 'late')).toMatchObject({ ok: true })
  })

  it('refuses a uid with invisible format characters, naming the character', async () => {
    const c = await consoles.start()
    const socket = client(c)
    for (const [uid, escaped] of [
      ['\u202eexe.txt', '\\u202e'],
      ['p\u200b1', '\\u200b'],
      ['\ufeffphone', '\\ufeff']
    ] as const)
      expect(await register(socket, uid)).toMatchObject({
        ok: false,
        error: { code: 'bad_request', message: expect.stringContaining(escaped) }
      })
    expect(c.core.operations.pushClients()).toEqual([])
    expect(await register(socket, 'phone-1')).toMatchObject({ ok: true })
  })
})

describe('/push key throttle', () => {
  it('throttles wrong push keys per address like the other keys, and tells the client how long', async () => {
    const c = await consoles.start({ pushKey: 'push-key-123' })
    for (let i = 0; i < 10; i++) {
      const error = await nextEvent<Error>(client(c, { key: `guess-${i}` }), 'connect_error')
      expect(error.message).toMatch(/push key/)
    }
    const right = await nextEvent<Error & { data?: { retryAfter?: number } }>(
      client(c, { key: 'push-key-123' }),
      'connect_error'
    )
    expect(right.message).toMatch(/too many wrong keys from your address: try again in \d+ s/)
    expect(right.data?.retryAfter).toBeGreaterThan(0)
    // One throttle for every door: /live is closed to that address too.
    const viewer = liveClient(c, VIEW_KEY)
    sockets.push(viewer)
    expect((await nextEvent<Error>(viewer, 'connect_error')).message).toMatch(/too many wrong keys/)
  })

  it('does not count a client that brings no key at all', async () => {
    const c = await consoles.start({ pushKey: 'push-key-123' })
    for (let i = 0; i < 12; i++)
      expect((await nextEvent<Error>(client(c), 'connect_error')).message).toMatch(/push key/)
    const ok = client(c, { key: 'push-key-123' })
    expect(await register(ok, 'k')).toMatchObject({ ok: true })
  })
})

describe('/push places', () => {
  it('takes a bounded number of connections from one address, and closes one that never registers', async () => {
    const c = await consoles.start(
      {},
      { push: { maxClientsPerAddress: 3, registerWithinMs: 1000 } }
    )
    const phone = client(c)
    expect(await register(phone, 'phone-1')).toMatchObject({ ok: true })
    const idle = [client(c), client(c)]
    await Promise.all(idle.map((s) => nextEvent(s, 'connect')))
    const refusal = await nextEvent<Error & { data?: unknown }>(client(c), 'connect_error')
    expect(refusal.message).toMatch(/at most 3 push connections from one address/)
    expect(refusal.data).toEqual({ code: 'too_many_connections' })
    // The two that hold a place without registering lose it; the phone keeps its own.
    await Promise.all(idle.map((s) => nextEvent(s, 'disconnect')))
    expect(phone.connected).toBe(true)
    await nextEvent(client(c), 'connect')
  })
})
