import type { MessageAccepted, MessageStatus, RecipientDelivery } from '../../../shared/api-types'
import type { PushMessage } from '../../../shared/push-events'
import type { PersistenceBackend } from '../persistence/persistence-backend'
import { DAY_MS } from '../persistence/utc-day'
import type { Logger } from '../runtime/logger'
import { OperationError } from '../operations/operation-error'
import { messageId } from './message-ids'
import { MessagePartitions, type MessageRecord } from './message-partitions'
import type { PushClientRegistry } from './push-client-registry'
import type { PushConnections } from './push-connections'

/** How often the days past retention are deleted while the console runs. */
const PRUNE_EVERY_MS = 3_600_000

/** A client's `report` on a message, as receipt listeners get it once it is recorded. */
export interface MessageReceipt {
  uid: string
  id: string
  status: string
  /** Free text the client sent with it (an acknowledgement's comment), not stored with it. */
  comment?: string
}

export interface MessageServiceOptions {
  /** Where messages are kept (see MessagePartitions). */
  persistence: Pick<PersistenceBackend, 'dayCollections'>
  clients: PushClientRegistry
  connections: Pick<PushConnections, 'deliver'>
  logger: Logger
  /** How long a message is kept in memory and a point-to-point one waits for an offline client. */
  ttlMs?: number
  /** Most messages waiting per offline client; the oldest is dropped beyond it. */
  maxQueued?: number
  /** Days of messages older than this are deleted, at start and hourly. */
  retentionDays?: number
  sweepMs?: number
  now?: () => number
}

/**
 * Messages from the backend to push clients: broadcast to every connected client, or
 * point-to-point to one, waiting (bounded, with a TTL) while that one is offline. Delivery is
 * at least once: a message the client does not acknowledge in time is queued again and re-sent
 * when it next registers. The state per recipient — sent, acknowledged, receipt — is kept (a
 * collection per day, see MessagePartitions), so a waiting message survives a restart.
 */
export class MessageService {
  /** Messages younger than their TTL, by id: receipts and retries change them here first. */
  private readonly live = new Map<string, MessageRecord>()
  /** Per client, the ids of the messages waiting for it, oldest first. */
  private readonly queues = new Map<string, string[]>()
  /**
   * Per client, the id of the last message sent to it: a receipt without an id (an Android-era
   * client's) is about that one. One id per client, let go of with the message.
   */
  private readonly lastSent = new Map<string, string>()
  /** The last write of each message: its writes go out one after another, never interleaved. */
  private readonly writes = new Map<string, Promise<void>>()
  private readonly receiptListeners = new Set<(receipt: MessageReceipt) => void>()
  private readonly sweepTimer: NodeJS.Timeout
  private closed = false
  private lastPrune: number
  private readonly ttlMs: number
  private readonly maxQueued: number
  private readonly now: () => number

  private constructor(
    private readonly partitions: MessagePartitions,
    private readonly options: MessageServiceOptions
  ) {
    this.ttlMs = options.ttlMs ?? DAY_MS
    this.maxQueued = options.maxQueued ?? 100
    this.now = options.now ?? Date.now
    this.lastPrune = this.now()
    this.sweepTimer = setInterval(() => this.sweep(), options.sweepMs ?? 10_000)
    this.sweepTimer.unref()
  }

  static async open(options: MessageServiceOptions): Promise<MessageService> {
    const { partitions, live } = await MessagePartitions.open(options.persistence, {
      retentionDays: options.retentionDays ?? 30,
      ttlMs: options.ttlMs ?? DAY_MS,
      now: options.now ?? Date.now
    })
    const service = new MessageService(partitions, options)
    for (const record of live.sort((a, b) => a.time - b.time)) {
      service.live.set(record.id, record)
      for (const r of record.recipients) {
        // A message that was out for delivery when the console stopped is sent again.
        if (r.state === 'queued' || r.state === 'sent') {
          r.state = 'queued'
          service.enqueue(r.uid, record.id)
        }
      }
    }
    return service
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
        throw new OperationError('not_found', `no push client has the uid or token "${to}"`)
      uids = [uid]
    }
    const time = this.now()
    const record: MessageRecord = {
      id: messageId(time),
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
    await this.partitions.insert(record)
    if (uids.length > 0) this.live.set(record.id, record)
    for (const uid of uids) this.enqueue(uid, record.id)
    for (const uid of uids) if (clients.isOnline(uid)) void this.flushQueue(uid)
    return { id: record.id, recipients: uids }
  }

  private enqueue(uid: string, id: string): void {
    const queue = this.queues.get(uid) ?? []
    queue.push(id)
    this.queues.set(uid, queue)
    while (queue.length > this.maxQueued) this.update(queue.shift()!, uid, { state: 'dropped' })
  }

  /** Delivers what waits for `uid` (it just registered), expiring what is too old. */
  async flushQueue(uid: string): Promise<void> {
    const queue = this.queues.get(uid)
    if (queue === undefined) return
    this.queues.delete(uid)
    for (const id of queue) {
      const record = this.live.get(id)
      if (record === undefined) continue
      if (record.expiresAt < this.now()) {
        this.update(id, uid, { state: 'expired' })
        continue
      }
      this.update(id, uid, { state: 'sent', sentAt: this.now() })
      this.lastSent.set(uid, id)
      const message: PushMessage = {
        id,
        data: record.data,
        broadcast: record.broadcast,
        time: record.time
      }
      void this.options.connections.deliver(uid, message).then((acknowledged) => {
        if (this.closed) return
        if (acknowledged) {
          this.update(id, uid, { state: 'delivered', deliveredAt: this.now() })
        } else if (this.recipient(id, uid)?.state === 'sent') {
          // Not acknowledged in time, or the client went away: it waits for the next registration.
          this.update(id, uid, { state: 'queued' })
          this.enqueue(uid, id)
          this.options.logger.info({ id, uid }, 'message not acknowledged: queued again')
        }
      })
    }
  }

  /**
   * A client's `report` on a message it received; a receipt also proves delivery. Without an
   * id it is about the last message sent to that client: Android-era clients name none.
   */
  receipt(
    uid: string,
    given: { id?: string | undefined; status: string; comment?: string | undefined }
  ): void {
    const id = given.id ?? this.lastSent.get(uid)
    if (id === undefined)
      throw new OperationError(
        'not_found',
        'a receipt without an id is about the last message sent to this client, and none was sent within the time to live'
      )
    const receipt = { ...given, id }
    const recipient = this.recipient(id, uid)
    if (recipient === undefined)
      throw new OperationError(
        'not_found',
        given.id === undefined
          ? `the last message sent to this client (${id}) is past its time to live`
          : `no live message ${id} was sent to this client`
      )
    const change: Partial<RecipientDelivery> = {
      receipt: { status: receipt.status, time: this.now() }
    }
    if (recipient.state !== 'delivered')
      Object.assign(change, { state: 'delivered', deliveredAt: this.now() })
    this.update(receipt.id, uid, change)
    void this.options.clients.receipt(uid, { id: receipt.id, status: receipt.status })
    const heard: MessageReceipt = { uid, id: receipt.id, status: receipt.status }
    if (receipt.comment !== undefined) heard.comment = receipt.comment
    for (const listener of this.receiptListeners) {
      // The receipt is recorded whatever a listener does: its failure is not the client's.
      try {
        listener(heard)
      } catch (error) {
        this.options.logger.error({ err: error, id: receipt.id }, 'a receipt listener failed')
      }
    }
  }

  /** Calls `listener` with every receipt after it is recorded; returns its removal. */
  onReceipt(listener: (receipt: MessageReceipt) => void): () => void {
    this.receiptListeners.add(listener)
    return () => this.receiptListeners.delete(listener)
  }

  /**
   * The data of a live message (younger than its TTL, reloaded at open), so a receipt can be
   * traced back to what the message was about; undefined for any other id.
   */
  data(id: string): unknown {
    return this.live.get(id)?.data
  }

  async status(id: string): Promise<MessageStatus | undefined> {
    let record = this.live.get(id)
    if (record === undefined) {
      record = await this.partitions.find(id)
      if (record === undefined) return undefined
    }
    const { data: _data, ...status } = record
    return structuredClone(status)
  }

  private recipient(id: string, uid: string): RecipientDelivery | undefined {
    return this.live.get(id)?.recipients.find((r) => r.uid === uid)
  }

  /** Changes a recipient in memory and writes the message's recipients, after its earlier writes. */
  private update(id: string, uid: string, change: Partial<RecipientDelivery>): void {
    const record = this.live.get(id)
    const recipient = record?.recipients.find((r) => r.uid === uid)
    if (record === undefined || recipient === undefined || this.closed) return
    Object.assign(recipient, change)
    const previous = this.writes.get(id) ?? Promise.resolve()
    const write = previous
      .then(() => this.partitions.setRecipients(record))
      .then(
        () => undefined,
        (error: unknown) =>
          this.options.logger.error({ err: error, id }, 'could not record a delivery state')
      )
    this.writes.set(id, write)
    void write.then(() => {
      if (this.writes.get(id) === write) this.writes.delete(id)
    })
  }

  /** Expires what waited too long and lets go of messages past their TTL. */
  private sweep(): void {
    const now = this.now()
    for (const [id, record] of this.live) {
      if (record.expiresAt >= now) continue
      for (const r of record.recipients)
        if (r.state === 'queued') this.update(id, r.uid, { state: 'expired' })
      this.live.delete(id)
    }
    for (const [uid, id] of this.lastSent) if (!this.live.has(id)) this.lastSent.delete(uid)
    for (const [uid, queue] of this.queues) {
      const waiting = queue.filter((id) => this.live.has(id))
      if (waiting.length === 0) this.queues.delete(uid)
      else this.queues.set(uid, waiting)
    }
    let oldestLive = now
    for (const record of this.live.values()) oldestLive = Math.min(oldestLive, record.time)
    const log = (error: unknown): void =>
      this.options.logger.error({ err: error }, 'could not let go of or delete old messages')
    this.partitions.release(oldestLive).catch(log)
    if (now - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = now
      this.partitions.prune().catch(log)
    }
  }

  /** Stops the sweep and waits for every write in flight; later changes are not recorded. */
  async close(): Promise<void> {
    clearInterval(this.sweepTimer)
    await Promise.all(this.writes.values())
    this.closed = true
    await this.partitions.close()
  }
}
