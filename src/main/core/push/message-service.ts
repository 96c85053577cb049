import { randomUUID } from 'node:crypto'
import { join } from 'node:path'

import Datastore from 'nedb-promises'

import type { MessageAccepted, MessageStatus, RecipientDelivery } from '../../../shared/api-types'
import type { PushMessage } from '../../../shared/live-events'
import type { Logger } from '../logger'
import { RequestError } from '../to-envelope'
import type { PushClientRegistry } from './push-client-registry'

interface MessageRecord extends MessageStatus {
  data: unknown
}

/** How a message reaches a connected client; resolves true once the client acknowledged it. */
export type PushDelivery = (uid: string, message: PushMessage) => Promise<boolean>

export interface MessageServiceOptions {
  dir: string
  clients: PushClientRegistry
  logger: Logger
  /** How long a point-to-point message waits for an offline client. */
  ttlMs?: number
  /** Most messages waiting per offline client; the oldest is dropped beyond it. */
  maxQueued?: number
  now?: () => number
}

/**
 * Messages from the backend to push clients: broadcast to every connected client, or
 * point-to-point to one, waiting (bounded, with a TTL) while that one is offline. Records per
 * recipient whether it was sent, acknowledged and answered with a receipt, in NeDB
 * (`messages.db`), so a queued message survives a restart.
 */
export class MessageService {
  /** Messages with a recipient still queued or unacknowledged, by id. */
  private readonly open = new Map<string, MessageRecord>()
  /** Per offline client, the ids of the messages waiting for it, oldest first. */
  private readonly queues = new Map<string, string[]>()
  private deliver: PushDelivery = async () => false
  private readonly ttlMs: number
  private readonly maxQueued: number
  private readonly now: () => number

  private constructor(
    private readonly ds: Datastore<MessageRecord>,
    private readonly options: MessageServiceOptions
  ) {
    this.ttlMs = options.ttlMs ?? 24 * 3_600_000
    this.maxQueued = options.maxQueued ?? 100
    this.now = options.now ?? Date.now
  }

  static async open(options: MessageServiceOptions): Promise<MessageService> {
    const ds = Datastore.create({
      filename: join(options.dir, 'messages.db')
    }) as Datastore<MessageRecord>
    await ds.load()
    await ds.ensureIndex({ fieldName: 'id', unique: true })
    const service = new MessageService(ds, options)
    for (const record of await ds.find({ 'recipients.state': 'queued' })) {
      const r = withoutId(record)
      service.open.set(r.id, r)
      for (const d of r.recipients) if (d.state === 'queued') service.enqueue(d.uid, r.id)
    }
    return service
  }

  /** Set by the `/push` handlers once the namespace exists. */
  useDelivery(deliver: PushDelivery): void {
    this.deliver = deliver
  }

  /** Sends `data` to `to` (a uid or a token) or, without `to`, to every connected client. */
  async send(to: string | undefined, data: unknown): Promise<MessageAccepted> {
    const { clients } = this.options
    let uids: string[]
    if (to === undefined) {
      uids = clients.onlineUids()
    } else {
      const uid = clients.resolve(to)
      if (uid === undefined)
        throw new RequestError('not_found', `no push client has the uid or token "${to}"`)
      uids = [uid]
    }
    const time = this.now()
    const record: MessageRecord = {
      id: randomUUID(),
      data,
      broadcast: to === undefined,
      time,
      expiresAt: time + this.ttlMs,
      recipients: uids.map((uid) => ({
        uid,
        state: 'queued',
        sentAt: null,
        deliveredAt: null,
        receipt: null
      }))
    }
    this.open.set(record.id, record)
    for (const uid of uids) this.enqueue(uid, record.id)
    await this.ds.insert(structuredClone(record))
    for (const uid of uids) if (clients.isOnline(uid)) void this.flushQueue(uid)
    return { id: record.id, recipients: uids }
  }

  private enqueue(uid: string, id: string): void {
    const queue = this.queues.get(uid) ?? []
    queue.push(id)
    this.queues.set(uid, queue)
    while (queue.length > this.maxQueued) {
      const oldest = queue.shift()!
      void this.setState(oldest, uid, { state: 'dropped' })
    }
  }

  /** Delivers what waits for `uid` (it just connected or registered), expiring what is too old. */
  async flushQueue(uid: string): Promise<void> {
    const queue = this.queues.get(uid)
    if (queue === undefined) return
    this.queues.delete(uid)
    for (const id of queue) {
      const record = this.open.get(id)
      if (record === undefined) continue
      if (record.expiresAt < this.now()) {
        await this.setState(id, uid, { state: 'expired' })
        continue
      }
      await this.setState(id, uid, { state: 'sent', sentAt: this.now() })
      const message: PushMessage = {
        id,
        data: record.data,
        broadcast: record.broadcast,
        time: record.time
      }
      void this.deliver(uid, message).then((acked) => {
        if (acked) void this.setState(id, uid, { state: 'delivered', deliveredAt: this.now() })
      })
    }
  }

  /** A client's `report` on a message it received. */
  async receipt(uid: string, receipt: { id: string; status: string }): Promise<void> {
    const record = this.open.get(receipt.id) ?? (await this.load(receipt.id))
    if (record === undefined || !record.recipients.some((r) => r.uid === uid)) {
      throw new RequestError('not_found', `no message ${receipt.id} was sent to this client`)
    }
    await this.setState(receipt.id, uid, { receipt: { status: receipt.status, time: this.now() } })
    await this.options.clients.receipt(uid, receipt)
  }

  async status(id: string): Promise<MessageStatus | undefined> {
    const record = this.open.get(id) ?? (await this.load(id))
    if (record === undefined) return undefined
    const { data: _data, ...status } = record
    return structuredClone(status)
  }

  private async load(id: string): Promise<MessageRecord | undefined> {
    const found = await this.ds.findOne({ id })
    return found === null ? undefined : withoutId(found)
  }

  private async setState(
    id: string,
    uid: string,
    change: Partial<RecipientDelivery>
  ): Promise<void> {
    const record = this.open.get(id) ?? (await this.load(id))
    const recipient = record?.recipients.find((r) => r.uid === uid)
    if (record === undefined || recipient === undefined) return
    Object.assign(recipient, change)
    const settled = record.recipients.every((r) => r.state !== 'queued' && r.state !== 'sent')
    if (settled) this.open.delete(id)
    try {
      await this.ds.update({ id }, { $set: { recipients: structuredClone(record.recipients) } })
    } catch (error) {
      this.options.logger.error({ err: error, id }, 'could not record a delivery state')
    }
  }
}

function withoutId(record: MessageRecord & { _id?: string }): MessageRecord {
  const { _id: _ignored, ...rest } = record
  return rest
}
