// aedes-persistence's in-memory store, as aedes itself uses it (types/asyncPersistence.d.ts is not
// where a deep import looks for it). Only what BoundedPersistence overrides or calls.
declare module 'aedes-persistence/asyncPersistence' {
  import type { Client, Subscription } from 'aedes'

  export interface StoredPacket {
    topic: string
    payload: Buffer
    messageId?: number
    [key: string]: unknown
  }

  export default class MemoryPersistence {
    constructor(options?: Record<string, unknown>)
    setup(broker: unknown): Promise<void>
    storeRetained(packet: StoredPacket): Promise<void>
    addSubscriptions(client: Client, subs: Subscription[]): Promise<void>
    removeSubscriptions(client: Client, subs: string[]): Promise<void>
    subscriptionsByClient(client: Client): Promise<Array<{ topic: string }>>
    cleanSubscriptions(client: Client): Promise<Client>
    outgoingEnqueue(sub: { clientId: string }, packet: StoredPacket): Promise<void>
    outgoingEnqueueCombi(subs: Array<{ clientId: string }>, packet: StoredPacket): Promise<void>
    outgoingClearMessageId(
      client: Pick<Client, 'id'>,
      packet: { messageId?: number }
    ): Promise<StoredPacket | undefined>
    incomingStorePacket(client: Pick<Client, 'id'>, packet: StoredPacket): Promise<void>
    incomingGetPacket(
      client: Pick<Client, 'id'>,
      packet: { messageId?: number }
    ): Promise<StoredPacket>
    incomingDelPacket(client: Pick<Client, 'id'>, packet: { messageId?: number }): Promise<void>
    cleanIncoming(client: Pick<Client, 'id'>): Promise<void>
  }
}
