import { on } from 'node:events'
import { connect, createServer, type Server, type Socket } from 'node:net'

import { afterEach, describe, expect, it } from 'vitest'

import { ConnectionLimits } from '../../../../src/main/core/ingest/tcp/connection-limits'
import { TrackedConnections } from '../../../../src/main/core/ingest/tracked-connections'

/** The least a transport's connection does: runs until its socket closes, ends it when told. */
class HeldConnection {
  ended = false
  constructor(private readonly socket: Socket) {}

  run(): Promise<void> {
    return new Promise((resolve) => this.socket.once('close', () => resolve()))
  }

  end(): void {
    this.ended = true
    this.socket.end()
  }
}

const servers: Server[] = []
const clients: Socket[] = []
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy()
  await Promise.all(
    servers.splice(0).map((s) => new Promise((resolve) => s.close(() => resolve(undefined))))
  )
})

/** A real listener on 127.0.0.1 whose accepted sockets the spec admits one by one. */
async function listener(limits: ConnectionLimits) {
  const server = createServer()
  servers.push(server)
  const incoming = on(server, 'connection')
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  const tracked = new TrackedConnections<HeldConnection>(limits)
  let finished = 0

  /** A client connects (half-open, so it closes only when the spec says); the listener admits it. */
  async function connectOne() {
    const client = connect({ port, host: '127.0.0.1', allowHalfOpen: true })
    client.on('error', () => undefined)
    clients.push(client)
    const [socket] = (await incoming.next()).value as [Socket]
    socket.on('error', () => undefined)
    const made: HeldConnection[] = []
    let settle!: () => void
    const done = new Promise<void>((resolve) => (settle = resolve))
    const refused = tracked.admit(
      socket,
      () => {
        made.push(new HeldConnection(socket))
        return made[0]!
      },
      () => {
        finished++
        settle()
      }
    )
    if (refused !== null) socket.destroy()
    return { client, refused, connection: made[0], done }
  }

  return { tracked, connectOne, finished: () => finished }
}

describe('TrackedConnections', () => {
  it('holds a slot per open connection, refuses past the limit, and gives it back once a run settles', async () => {
    const l = await listener(new ConnectionLimits(2, 64))
    const a = await l.connectOne()
    const b = await l.connectOne()
    expect([a.refused, b.refused]).toEqual([null, null])
    expect(l.tracked.connections()).toEqual([a.connection, b.connection])

    const c = await l.connectOne()
    expect(c.refused).toBe('the console takes at most 2 device connections')
    expect(c.connection).toBeUndefined() // nothing was made for it
    expect(l.tracked.size).toBe(2)

    a.client.destroy()
    await a.done
    expect(l.tracked.size).toBe(1)
    expect(l.tracked.connections()).toEqual([b.connection])
    const d = await l.connectOne() // the slot came free
    expect(d.refused).toBeNull()
    expect(l.tracked.size).toBe(2)
  })

  it('counts the per-address limit by the socket’s address, and releases it by the same', async () => {
    const l = await listener(new ConnectionLimits(10, 1, true))
    const first = await l.connectOne()
    expect(first.refused).toBeNull()
    expect((await l.connectOne()).refused).toBe(
      'the console takes at most 1 connections from one address'
    )
    first.client.destroy()
    await first.done
    expect((await l.connectOne()).refused).toBeNull()
  })

  it('ends every connection at stop and resolves only once each run has settled', async () => {
    const l = await listener(new ConnectionLimits(10, 10))
    const open = [await l.connectOne(), await l.connectOne()]
    const told = open.map(({ client }) => new Promise((resolve) => client.once('end', resolve)))
    let stopped = false
    const stopping = l.tracked
      .endAll((connection) => connection.end())
      .then(() => {
        stopped = true
      })
    await Promise.all(told) // each was ended: its client read the end of the stream
    expect(open.map(({ connection }) => connection?.ended)).toEqual([true, true])
    // Their sockets close only once the clients end their side: nothing has settled yet.
    expect(stopped).toBe(false)
    expect(l.tracked.size).toBe(2)

    open[0]!.client.end()
    await open[0]!.done
    expect(stopped).toBe(false)
    open[1]!.client.end()
    await stopping
    expect(l.finished()).toBe(2)
    expect(l.tracked.size).toBe(0)
  })
})
