import type { Client, Subscription } from 'aedes'
import MemoryPersistence, { type StoredPacket } from 'aedes-persistence/asyncPersistence'

/** What the broker holds in memory for clients, at most. */
export interface PersistenceLimits {
  /** Retained messages (one per topic), and their payloads' bytes together. */
  maxRetained: number
  maxRetainedBytes: number
  /** Clients with subscriptions stored at once (online ones and persistent offline sessions). */
  maxSessions: number
  /** QoS 1/2 messages queued for one client (offline, or not yet acknowledged by it). */
  maxQueuedPerClient: number
  /** Queued messages' payload bytes, all clients together. */
  maxQueuedBytes: number
  /** Inbound QoS 2 messages awaiting PUBREL: payload bytes, all clients together. */
  maxIncomingBytes: number
}

/**
 * aedes' in-memory persistence (the one it uses by default) with bounds: as shipped, it keeps
 * every retained topic, every offline session's queue and every client id's subscriptions for
 * ever, so a stranger with a loop could fill the console's memory. Here a queue beyond its bound
 * drops new messages for that client (as Mosquitto's max_queued_messages does); a retained
 * message, a session or an inbound QoS 2 message beyond its bound is refused — checked ahead
 * by the broker (`retainedRoomFor`, `sessionRoomFor`), so a refusal is seldom a surprise here.
 */
export class BoundedPersistence extends MemoryPersistence {
  private readonly retained = new Map<string, number>()
  private retainedBytes = 0
  private readonly sessions = new Set<string>()
  private readonly queued = new Map<string, number>()
  private queuedBytes = 0
  private readonly incoming = new Map<string, Map<number, number>>()
  private incomingBytes = 0
  /** Messages not queued for their bound since start, for the broker's diagnostics and log. */
  droppedQueued = 0

  constructor(private readonly limits: PersistenceLimits) {
    super()
  }

  /** Whether a retained message of `bytes` on `topic` fits (an empty one, clearing it, always). */
  retainedRoomFor(topic: string, bytes: number): boolean {
    if (bytes === 0) return true
    const before = this.retained.get(topic)
    const count = this.retained.size + (before === undefined ? 1 : 0)
    return (
      count <= this.limits.maxRetained &&
      this.retainedBytes - (before ?? 0) + bytes <= this.limits.maxRetainedBytes
    )
  }

  /** Whether `clientId` may store subscriptions: it has some already, or there is room. */
  sessionRoomFor(clientId: string): boolean {
    return this.sessions.has(clientId) || this.sessions.size < this.limits.maxSessions
  }

  get retainedCount(): number {
    return this.retained.size
  }

  override async storeRetained(packet: StoredPacket): Promise<void> {
    const bytes = packet.payload.length
    if (!this.retainedRoomFor(packet.topic, bytes))
      throw new Error(
        `the broker keeps at most ${this.limits.maxRetained} retained messages ` +
          `(${this.limits.maxRetainedBytes} bytes)`
      )
    await super.storeRetained(packet)
    this.retainedBytes -= this.retained.get(packet.topic) ?? 0
    if (bytes === 0) this.retained.delete(packet.topic)
    else {
      this.retained.set(packet.topic, bytes)
      this.retainedBytes += bytes
    }
  }

  override async addSubscriptions(client: Client, subs: Subscription[]): Promise<void> {
    if (!this.sessionRoomFor(client.id))
      throw new Error(
        `the broker keeps subscriptions of at most ${this.limits.maxSessions} clients`
      )
    this.sessions.add(client.id)
    await super.addSubscriptions(client, subs)
  }

  override async removeSubscriptions(client: Client, subs: string[]): Promise<void> {
    await super.removeSubscriptions(client, subs)
    if ((await super.subscriptionsByClient(client)).length === 0) this.sessions.delete(client.id)
  }

  override async cleanSubscriptions(client: Client): Promise<Client> {
    const cleaned = await super.cleanSubscriptions(client)
    this.sessions.delete(client.id)
    return cleaned
  }

  override async outgoingEnqueue(sub: { clientId: string }, packet: StoredPacket): Promise<void> {
    if (this.makeRoom(sub.clientId, packet)) await super.outgoingEnqueue(sub, packet)
  }

  override async outgoingEnqueueCombi(
    subs: Array<{ clientId: string }>,
    packet: StoredPacket
  ): Promise<void> {
    const room = subs.filter((sub) => this.makeRoom(sub.clientId, packet))
    if (room.length > 0) await super.outgoingEnqueueCombi(room, packet)
  }

  override async outgoingClearMessageId(
    client: Pick<Client, 'id'>,
    packet: { messageId?: number }
  ): Promise<StoredPacket | undefined> {
    const cleared = await super.outgoingClearMessageId(client, packet)
    if (cleared !== undefined) {
      const left = (this.queued.get(client.id) ?? 1) - 1
      if (left <= 0) this.queued.delete(client.id)
      else this.queued.set(client.id, left)
      this.queuedBytes -= cleared.payload.length
    }
    return cleared
  }

  override async incomingStorePacket(
    client: Pick<Client, 'id'>,
    packet: StoredPacket
  ): Promise<void> {
    const bytes = packet.payload.length
    if (this.incomingBytes + bytes > this.limits.maxIncomingBytes)
      throw new Error(
        `the broker holds at most ${this.limits.maxIncomingBytes} bytes of QoS 2 messages awaiting PUBREL`
      )
    await super.incomingStorePacket(client, packet)
    let mine = this.incoming.get(client.id)
    if (mine === undefined) this.incoming.set(client.id, (mine = new Map()))
    this.incomingBytes += bytes - (mine.get(packet.messageId!) ?? 0)
    mine.set(packet.messageId!, bytes)
  }

  override async incomingDelPacket(
    client: Pick<Client, 'id'>,
    packet: { messageId?: number }
  ): Promise<void> {
    await super.incomingDelPacket(client, packet)
    const mine = this.incoming.get(client.id)
    this.incomingBytes -= mine?.get(packet.messageId!) ?? 0
    mine?.delete(packet.messageId!)
    if (mine?.size === 0) this.incoming.delete(client.id)
  }

  override async cleanIncoming(client: Pick<Client, 'id'>): Promise<void> {
    await super.cleanIncoming(client)
    for (const bytes of this.incoming.get(client.id)?.values() ?? []) this.incomingBytes -= bytes
    this.incoming.delete(client.id)
  }

  /** Counts `packet` into `clientId`'s queue, or says there is no room (and counts the drop). */
  private makeRoom(clientId: string, packet: StoredPacket): boolean {
    const mine = this.queued.get(clientId) ?? 0
    const bytes = packet.payload.length
    if (
      mine >= this.limits.maxQueuedPerClient ||
      this.queuedBytes + bytes > this.limits.maxQueuedBytes
    ) {
      this.droppedQueued += 1
      return false
    }
    this.queued.set(clientId, mine + 1)
    this.queuedBytes += bytes
    return true
  }
}
