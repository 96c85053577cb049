import { readdirSync, readFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import {
  TokenDeviceAuthenticator,
  TokenTable
} from '../../../../../src/main/core/ingest/protocol/device-auth'
import { DOCUMENT_LIMITS } from '../../../../../src/shared/ingest-protocol'
import { ingestFixture } from '../../../../support/ingest'
import { listenOverflows } from '../../../../support/kernel-counters'

const fixture = ingestFixture()
const { rig, client } = fixture
afterEach(() => fixture.cleanup())

/** Read synchronously, at the very moment a reply arrives. */
function storedOnDiskNow(dir: string): Array<Record<string, unknown>> {
  return readdirSync(dir)
    .filter((n) => n.startsWith('reports-'))
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    )
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('IngestServer over TCP', () => {
  it('acks a report only once it is in the store file', async () => {
    const { port, dir, store } = await rig()
    // Hold every write back for a while, so an ack sent before the write would show.
    const submit = store.submit.bind(store)
    store.submit = (report, done) => void setTimeout(() => submit(report, done), 150)
    const c = await client(port)
    let onDiskAtAck: unknown[] | null = null
    c.socket.once('data', () => (onDiskAtAck = storedOnDiskNow(dir)))
    c.send({ device: 'plc-1', seq: 41, temp: 20.5 })
    expect(await c.waitForReplies(1)).toEqual([{ ack: 41 }])
    expect(onDiskAtAck).toEqual([
      expect.objectContaining({
        device: 'plc-1',
        seq: 41,
        temp: 20.5,
        identity: 'anonymous',
        time: expect.any(Number)
      })
    ])
  })

  it('reassembles a report split across packets', async () => {
    const { port } = await rig()
    const c = await client(port)
    const line = JSON.stringify({ device: 'split', seq: 1, text: '温度计' }) + '\n'
    const bytes = Buffer.from(line)
    for (let i = 0; i < bytes.length; i += 3) {
      c.write(bytes.subarray(i, i + 3))
      await wait(2)
    }
    expect(await c.waitForReplies(1)).toEqual([{ ack: 1 }])
  })

  it('acks every report of a packet holding a thousand, in order', async () => {
    const { port, store } = await rig()
    const c = await client(port)
    c.write(
      Array.from(
        { length: 1000 },
        (_, i) => JSON.stringify({ device: 'burst', seq: i }) + '\r\n'
      ).join('')
    )
    const replies = await c.waitForReplies(1000)
    expect(replies.map((r) => r.ack)).toEqual(Array.from({ length: 1000 }, (_, i) => i))
    expect(store.reportCount).toBe(1000)
  })

  it('answers each bad line with its error code and keeps the connection and the good reports', async () => {
    const { port, store } = await rig({ maxLineBytes: 1024 })
    const c = await client(port)
    c.write('{"device":"ok","seq":1}\n')
    c.write('{"device":\n')
    c.write('[1,2,3]\n')
    c.write('{"device":"ok","seq":-5}\n')
    c.write(`{"device":"ok","seq":2,"pad":"${'x'.repeat(2000)}"}\n`)
    c.write(Buffer.concat([Buffer.from([0xff, 0x00, 0xc3, 0x28, 0x80]), Buffer.from('\n')]))
    c.write('\n\n')
    c.write('{"device":"ok","seq":3}\n')
    const replies = await c.waitForReplies(6)
    expect(replies.filter((r) => 'ack' in r).map((r) => r.ack)).toEqual([1, 3])
    expect(replies.filter((r) => 'error' in r).map((r) => r.error)).toEqual([
      'bad_json',
      'not_object',
      'invalid_field',
      'too_large',
      'bad_json'
    ])
    expect(replies.every((r) => !('error' in r) || typeof r.message === 'string')).toBe(true)
    expect(c.closed).toBe(false)
    expect(store.reportCount).toBe(2)
  })

  it('refuses a report past each document limit with invalid_field naming it, and goes on', async () => {
    const { port, store } = await rig()
    const c = await client(port)
    const { maxDepth, maxArrayDepth, maxValues } = DOCUMENT_LIMITS
    // The attack: under 100 bytes of nested arrays, each level doubling the store's work.
    c.write(`{"device":"n","seq":1,"a":${'['.repeat(20)}${']'.repeat(20)}}\n`)
    c.write(`{"device":"n","seq":2,"o":${'{"a":'.repeat(maxDepth)}1${'}'.repeat(maxDepth)}}\n`)
    c.send({ device: 'n', seq: 3, v: Array.from({ length: maxValues }, () => 0) })
    c.send({ device: 'n', seq: 4 })
    const replies = await c.waitForReplies(4)
    expect(replies).toEqual([
      {
        error: 'invalid_field',
        message: `arrays nested deeper than ${maxArrayDepth} levels`,
        seq: 1
      },
      { error: 'invalid_field', message: `nested deeper than ${maxDepth} levels`, seq: 2 },
      {
        error: 'invalid_field',
        message: `more than ${maxValues} values (fields and array elements)`,
        seq: 3
      },
      { ack: 4 }
    ])
    expect(c.closed).toBe(false)
    expect(store.reportCount).toBe(1)
  })

  it('stores the worst document the limits allow and reads it back unchanged', async () => {
    const { port, store } = await rig({ maxLineBytes: 1024 * 1024 })
    const { maxArrayDepth, maxValues } = DOCUMENT_LIMITS
    // device, seq, the arrays and the object are values too: the fields fill the rest.
    const fields = maxValues - 3 - maxArrayDepth
    let x: unknown = Object.fromEntries(Array.from({ length: fields }, (_, i) => [`k${i}`, i]))
    for (let i = 0; i < maxArrayDepth; i++) x = [x]
    const c = await client(port)
    c.send({ device: 'worst', seq: 1, x }, { device: 'worst', seq: 2, x, one: 'more' })
    const replies = await c.waitForReplies(2) // an error goes out at once, an ack once stored
    expect(replies).toContainEqual({ ack: 1 })
    expect(replies).toContainEqual({
      error: 'invalid_field',
      message: expect.stringMatching(/^more than/),
      seq: 2
    })
    const [stored] = await store.query({ device: 'worst', limit: 1 })
    expect(stored).toEqual({
      _id: expect.any(String),
      device: 'worst',
      seq: 1,
      x,
      time: expect.any(Number),
      identity: 'anonymous'
    })
  })

  it('answers unauthorized in token mode and stores nothing for it', async () => {
    const { port, store } = await rig({
      auth: new TokenDeviceAuthenticator(() => [
        TokenTable.fromTokens({ 'tok-12345678': 'line-1' })
      ])
    })
    const c = await client(port)
    c.send(
      { device: 'a', seq: 1 },
      { device: 'a', seq: 2, auth: 'wrong-token' },
      { device: 'a', seq: 3, auth: 'tok-12345678' }
    )
    const replies = await c.waitForReplies(3)
    expect(replies).toContainEqual({ error: 'unauthorized', message: expect.any(String), seq: 1 })
    expect(replies).toContainEqual({ error: 'unauthorized', message: expect.any(String), seq: 2 })
    expect(replies).toContainEqual({ ack: 3 })
    expect(await store.query({ limit: 10 })).toEqual([
      expect.objectContaining({ seq: 3, identity: 'line-1' })
    ])
  })

  it('answers unavailable when the store cannot write, and keeps the connection', async () => {
    const { port, dir } = await rig()
    const c = await client(port)
    c.send({ device: 'disk', seq: 1 })
    await c.waitForReplies(1)
    await rm(dir, { recursive: true, force: true }) // the store's files vanish under it
    c.send({ device: 'disk', seq: 2 })
    const [, reply] = await c.waitForReplies(2)
    expect(reply).toEqual({
      error: 'unavailable',
      message: expect.stringMatching(/could not store/),
      seq: 2
    })
    expect(c.closed).toBe(false)
  })

  it('sends nothing back for a report without seq, and stores it', async () => {
    const { port, store } = await rig()
    const c = await client(port)
    c.send({ device: 'ff', v: 1 })
    c.send({ device: 'ff', seq: 9 })
    expect(await c.waitForReplies(1)).toEqual([{ ack: 9 }])
    await wait(50)
    expect(c.replies).toHaveLength(1)
    expect(store.reportCount).toBe(2)
  })

  it('stores a report re-sent after a reconnect once, and acks it again', async () => {
    const { port, store } = await rig()
    const first = await client(port)
    first.send(...Array.from({ length: 50 }, (_, i) => ({ device: 'r', seq: 100 + i })))
    await first.waitForReplies(50)
    first.close()
    const second = await client(port)
    second.send(...Array.from({ length: 60 }, (_, i) => ({ device: 'r', seq: 100 + i })))
    const replies = await second.waitForReplies(60)
    expect(replies.map((r) => r.ack)).toEqual(Array.from({ length: 60 }, (_, i) => 100 + i))
    expect(store.reportCount).toBe(60)
  })

  it('still acks a sender that half-closes right after writing', async () => {
    const { port } = await rig()
    const c = await client(port)
    c.send({ device: 'h', seq: 1 }, { device: 'h', seq: 2 })
    c.socket.end()
    expect(await c.waitForReplies(2)).toEqual([{ ack: 1 }, { ack: 2 }])
    await c.waitForClose()
  })

  it('pauses every connection while the store queue is full, and loses nothing', async () => {
    const { port, store } = await rig({ store: { highWater: 50, maxBatch: 20 } })
    const senders = await Promise.all([client(port), client(port), client(port)])
    senders.forEach((c, n) =>
      c.write(
        Array.from(
          { length: 2000 },
          (_, i) => JSON.stringify({ device: `q${n}`, seq: i }) + '\n'
        ).join('')
      )
    )
    await Promise.all(senders.map((c) => c.waitForReplies(2000, 20_000)))
    expect(senders.map((c) => c.replies.map((r) => r.ack))).toEqual(
      senders.map(() => Array.from({ length: 2000 }, (_, i) => i))
    )
    expect(store.reportCount).toBe(6000)
    expect(store.listenerCount('drain')).toBeLessThanOrEqual(3)
  })

  it('lets a device that sends one report at a time go on beside a flood that fills the store queue', async () => {
    const { port } = await rig({
      store: { highWater: 100_000, highWaterBytes: 64 * 1024, maxBatchBytes: 16 * 1024 }
    })
    const flood = await client(port)
    const blob = 'x'.repeat(4000)
    const floodCount = 3000
    flood.write(
      Array.from(
        { length: floodCount },
        (_, i) => JSON.stringify({ device: 'flood', seq: i, blob }) + '\n'
      ).join('')
    )
    await flood.waitForReplies(1) // the flood is being stored
    const honest = await client(port)
    for (let seq = 0; seq < 5; seq++) {
      honest.send({ device: 'honest', seq })
      expect((await honest.waitForReplies(seq + 1, 20_000)).at(-1)).toEqual({ ack: seq })
    }
    // Its five reports were stored while the flood still waited: it did not queue behind it all.
    expect(flood.replies.length).toBeLessThan(floodCount)
    await flood.waitForReplies(floodCount, 60_000)
  })

  it('serves 200 concurrent connections', async () => {
    const { port, store } = await rig()
    const many = await Promise.all(Array.from({ length: 200 }, () => client(port)))
    many.forEach((c, i) =>
      c.send(...Array.from({ length: 10 }, (_, s) => ({ device: `dev-${i}`, seq: s })))
    )
    await Promise.all(many.map((c) => c.waitForReplies(10, 15_000)))
    expect(store.reportCount).toBe(2000)
    expect(store.deviceSummaries()).toHaveLength(200)
  })

  // Linux routes all of 127.0.0.0/8 to this machine; elsewhere only 127.0.0.1 exists.
  it.runIf(process.platform === 'linux')(
    'takes a plant of 1,000 devices connecting at once, 50 behind each of 20 gateways, with the default limits',
    async () => {
      // The defaults (2,000 in all, 64 per address), with this machine's address counted like any
      // other: each gateway is a loopback address of its own (127.0.0.2 … 127.0.0.21).
      const { port, store } = await rig({ limits: { limitLoopback: true } })
      const overflowsBefore = await listenOverflows()
      const acks = await Promise.all(
        Array.from({ length: 1000 }, (_, i) => {
          const gateway = `127.0.0.${2 + Math.floor(i / 50)}`
          return new Promise<string>((resolve, reject) => {
            const socket = connect({ host: '127.0.0.1', port, localAddress: gateway }, () =>
              socket.write(JSON.stringify({ device: `plc-${i}`, seq: 1 }) + '\n')
            )
            socket.setEncoding('utf8')
            let reply = ''
            socket.on('data', (text: string) => {
              reply += text
              if (reply.includes('\n')) {
                socket.destroy()
                resolve(reply.trim())
              }
            })
            socket.on('error', reject)
          })
        })
      )
      expect(new Set(acks)).toEqual(new Set(['{"ack":1}']))
      expect(store.deviceSummaries()).toHaveLength(1000)
      // No handshake was dropped for a full accept queue (to be retried a second later, or reset).
      expect(await listenOverflows()).toBe(overflowsBefore)
    }
  )

  it('stops reading from a peer that never reads its replies, without holding them in memory, and serves others meanwhile', async () => {
    const { port, server } = await rig()
    const stalled = await client(port)
    stalled.socket.pause() // never reads
    // Every line draws an error reply (~65 bytes), enough to fill both kernel socket buffers.
    const line = '{"device":""}\n'
    const lines = 400_000
    const chunk = line.repeat(10_000)
    for (let i = 0; i < lines / 10_000; i++) stalled.write(chunk)
    const sentBytes = line.length * lines

    let lastRead = -1
    for (let i = 0; i < 100; i++) {
      await wait(100)
      const read = server
        .connectionStats()
        .find((s) => s.peer.endsWith(`:${stalled.socket.localPort}`))!.bytesRead
      if (read === lastRead) break
      lastRead = read
    }
    const stats = server
      .connectionStats()
      .find((s) => s.peer.endsWith(`:${stalled.socket.localPort}`))!
    expect(stats.bytesRead).toBeLessThan(sentBytes) // the console stopped reading
    expect(stats.replyBacklog).toBeLessThan(1024 * 1024) // and holds little for this peer

    const other = await client(port)
    other.send({ device: 'healthy', seq: 1 })
    expect(await other.waitForReplies(1, 2000)).toEqual([{ ack: 1 }])

    stalled.socket.resume() // the peer reads again: everything owed arrives
    await stalled.waitForReplies(lines, 30_000)
    expect(stalled.replies.every((r) => r.error === 'invalid_field')).toBe(true)
  })
})
