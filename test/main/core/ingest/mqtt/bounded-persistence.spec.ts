import type { Client } from 'aedes'
import { describe, expect, it } from 'vitest'

import {
  BoundedPersistence,
  type PersistenceLimits
} from '../../../../../src/main/core/ingest/mqtt/bounded-persistence'

const LIMITS: PersistenceLimits = {
  maxRetained: 2,
  maxRetainedBytes: 10,
  maxSessions: 1,
  maxQueuedPerClient: 2,
  maxQueuedBytes: 1000,
  maxIncomingBytes: 8
}

const packet = (topic: string, payload: string, messageId?: number) => ({
  topic,
  payload: Buffer.from(payload),
  messageId,
  cmd: 'publish',
  qos: 1
})
const client = (id: string, clean = false) => ({ id, clean }) as unknown as Client

describe('BoundedPersistence', () => {
  it('keeps at most so many retained topics and bytes; clearing one makes room', async () => {
    const store = new BoundedPersistence(LIMITS)
    await store.storeRetained(packet('a', '12345'))
    await store.storeRetained(packet('b', '123'))
    expect(store.retainedRoomFor('c', 1)).toBe(false) // a third topic
    expect(store.retainedRoomFor('a', 8)).toBe(false) // 8 + 3 bytes
    expect(store.retainedRoomFor('a', 7)).toBe(true) // replaces a's 5
    await expect(store.storeRetained(packet('c', '1'))).rejects.toThrow(/at most 2 retained/)
    await store.storeRetained(packet('a', ''))
    expect(store.retainedCount).toBe(1)
    await store.storeRetained(packet('c', '1234567'))
    expect(store.retainedCount).toBe(2)
  })

  it('queues at most so many messages for one client, and counts what it drops', async () => {
    const store = new BoundedPersistence(LIMITS)
    const sub = { clientId: 'offline-1' }
    for (let n = 1; n <= 4; n += 1) await store.outgoingEnqueue(sub, packet('t', `m${n}`))
    expect(store.droppedQueued).toBe(2)
    const queued = await new Promise<unknown[]>((resolve) => {
      const seen: unknown[] = []
      // outgoingStream is the base class's: what a reconnecting client would get.
      const stream = (
        store as unknown as { outgoingStream(c: Client): NodeJS.ReadableStream }
      ).outgoingStream(client('offline-1'))
      stream.on('data', (p) => seen.push(p))
      stream.on('end', () => resolve(seen))
    })
    expect(queued).toHaveLength(2)
  })

  it('stores subscriptions of at most so many clients, until one is cleaned', async () => {
    const store = new BoundedPersistence(LIMITS)
    await store.addSubscriptions(client('one'), [{ topic: 'x', qos: 1 }])
    expect(store.sessionRoomFor('one')).toBe(true)
    expect(store.sessionRoomFor('two')).toBe(false)
    await expect(store.addSubscriptions(client('two'), [{ topic: 'x', qos: 1 }])).rejects.toThrow(
      /at most 1 clients/
    )
    await store.removeSubscriptions(client('one'), ['x'])
    expect(store.sessionRoomFor('two')).toBe(true)
  })

  it('holds at most so many bytes of QoS 2 messages awaiting PUBREL', async () => {
    const store = new BoundedPersistence(LIMITS)
    await store.incomingStorePacket(client('q'), packet('t', '12345', 1))
    await expect(store.incomingStorePacket(client('q'), packet('t', '1234', 2))).rejects.toThrow(
      /awaiting PUBREL/
    )
    await store.incomingDelPacket(client('q'), { messageId: 1 })
    await store.incomingStorePacket(client('q'), packet('t', '1234', 2))
  })
})
