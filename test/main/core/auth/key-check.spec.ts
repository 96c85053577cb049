import { io, type Socket } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'

import { ACCESS_KEY, consoleFixture, type RunningConsole } from '../../../support/console'
import { capturingLogger } from '../../../support/log-lines'

// One key check at every door: HTTP, a /live handshake and a /push handshake count wrong keys
// alike, against one throttle per address, and take the same things for "no key".

const PUSH_KEY = 'push-key-123'
const consoles = consoleFixture()
const sockets: Socket[] = []
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close()
  await consoles.cleanup()
})

function handshake(c: RunningConsole, namespace: '/live' | '/push', auth: object): Socket {
  const socket = io(`${c.base}${namespace}`, {
    auth: auth as Record<string, unknown>,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true
  })
  sockets.push(socket)
  return socket
}

type Refusal = Error & { data?: { code?: string; retryAfter?: number } }

/** The refusal of a handshake, or null when it connected. */
async function refusalOf(socket: Socket): Promise<Refusal | null> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve(null))
    socket.once('connect_error', (error: Refusal) => resolve(error))
  })
}

/** Presents `key` at a door once; answers whether it was let in, else the refusal's code. */
type Door = (c: RunningConsole, key: unknown) => Promise<string>
const doors: Record<'http' | 'live' | 'push', Door> = {
  async http(c, key) {
    // An empty key as the address bar gives one (`?key=`); any other in the header.
    const headers: Record<string, string> =
      key === undefined || key === '' ? {} : { authorization: `Bearer ${String(key)}` }
    const res = await fetch(`${c.base}/api/devices${key === '' ? '?key=' : ''}`, { headers })
    if (res.ok) return 'in'
    return ((await res.json()) as { error: string }).error
  },
  async live(c, key) {
    const error = await refusalOf(handshake(c, '/live', key === undefined ? {} : { key }))
    return error === null ? 'in' : (error.data?.code ?? error.message)
  },
  async push(c, key) {
    const error = await refusalOf(handshake(c, '/push', key === undefined ? {} : { key }))
    return error === null ? 'in' : (error.data?.code ?? error.message)
  }
}
const rightKey = { http: ACCESS_KEY, live: ACCESS_KEY, push: PUSH_KEY }

describe('failed push keys', () => {
  it('are throttled: after ten wrong ones from an address the eleventh is refused with retryAfter, and so is the right key; the log says it once', async () => {
    const { logger, lines } = capturingLogger()
    const c = await consoles.start({ pushKey: PUSH_KEY }, { logger })
    const refusals: Refusal[] = []
    for (let i = 0; i < 11; i++)
      refusals.push((await refusalOf(handshake(c, '/push', { key: `guess-${i}` })))!)
    expect(refusals.slice(0, 10).map((r) => r.message)).toEqual(
      Array(10).fill('this console needs its push key: connect with auth: { key }')
    )
    const throttled = [refusals[10]!, (await refusalOf(handshake(c, '/push', { key: PUSH_KEY })))!]
    for (const refusal of throttled) {
      expect(refusal.message).toMatch(/too many wrong keys from your address: try again in \d+ s/)
      expect(refusal.data).toEqual({
        code: 'too_many_attempts',
        retryAfter: expect.any(Number) as number
      })
      expect(refusal.data!.retryAfter).toBeGreaterThan(0)
    }
    const wrong = (): string[] => lines.filter((l) => /wrong key/.test(l.msg)).map((l) => l.msg)
    expect(wrong()).toEqual(['wrong key from 127.0.0.1'])
    expect(lines.find((l) => l.msg === 'wrong key from 127.0.0.1')).toMatchObject({
      door: 'push',
      level: 40
    })
    expect(JSON.stringify(lines)).not.toContain('guess-')
  })

  it('are refused with the same codes as the other keys', async () => {
    const c = await consoles.start({ pushKey: PUSH_KEY })
    expect(await doors.push(c, undefined)).toBe('no_key')
    expect(await doors.push(c, 'not-the-push-key')).toBe('wrong_key')
    expect(await doors.push(c, ACCESS_KEY)).toBe('wrong_key') // the access key opens no /push
    expect(await doors.push(c, PUSH_KEY)).toBe('in')
  })
})

describe('one key check at every door', () => {
  it.each(['http', 'live', 'push'] as const)(
    'counts no key, an empty key or one that is no string at %s as no guess',
    async (name) => {
      const c = await consoles.start({ pushKey: PUSH_KEY })
      const door = doors[name]
      const noKeys = name === 'http' ? [undefined, ''] : [undefined, '', 12345, { key: 'x' }]
      for (let round = 0; round < 10; round++)
        for (const key of noKeys) expect(await door(c, key), JSON.stringify(key)).not.toBe('in')
      expect(await door(c, rightKey[name])).toBe('in')
    }
  )

  it.each([
    ['http', 'push'],
    ['push', 'live'],
    ['live', 'http'],
    ['push', 'http']
  ] as const)(
    'counts wrong keys at %s against the address at %s too',
    async (guessedAt, triedAt) => {
      const c = await consoles.start({ pushKey: PUSH_KEY })
      for (let i = 0; i < 10; i++)
        expect(await doors[guessedAt](c, `guess-guess-${i}`)).not.toBe('in')
      expect(await doors[triedAt](c, rightKey[triedAt])).toBe('too_many_attempts')
    }
  )
})
