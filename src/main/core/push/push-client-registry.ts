import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'

import type { PushClientState } from '../../../shared/live-events'
import type { DocumentCollection } from '../persistence/document-collection'
import type { PersistenceBackend } from '../persistence/persistence-backend'
import { DAY_MS } from '../persistence/utc-day'
import { maskKey } from '../auth/keys'
import { OperationError } from '../operations/operation-error'

interface ClientRecord {
  uid: string
  name: string | null
  token: string
  registeredAt: number
  /** When it last registered or went away; clients not seen for the retention time are deleted. */
  lastSeen?: number
  lastReceipt: PushClientState['lastReceipt']
}

const PRUNE_EVERY_MS = 3_600_000

export interface PushClientRegistryOptions {
  /** Clients neither connected nor seen for this long are deleted, at start and hourly. */
  retentionDays?: number
  /** Registered clients kept at most: a new uid beyond it is refused, a known one never. */
  maxRegisteredClients?: number
}

interface Connection {
  connectedSince: number
}

/**
 * The push clients registered within the retention time, kept in a collection (`clients`; NeDB:
 * `clients.db`) so a uid gets the same token after reconnects and restarts, and which of them are
 * connected now.
 */
export class PushClientRegistry extends EventEmitter<{ changed: [clients: PushClientState[]] }> {
  private readonly byUid = new Map<string, ClientRecord>()
  private readonly byToken = new Map<string, ClientRecord>()
  private readonly connections = new Map<string, Connection>()
  private readonly timer: NodeJS.Timeout
  /** Writes nobody awaits (a disconnect's `lastSeen`, the hourly prune): close() waits for them. */
  private readonly pending = new Set<Promise<unknown>>()
  /** New uids whose record is being written: they hold their place under the cap meanwhile. */
  private readonly registering = new Set<string>()
  /** The sorted list, rebuilt only after a change: every /live viewer join asks for it. */
  private cached: readonly PushClientState[] | null = null

  private constructor(
    private readonly ds: DocumentCollection<ClientRecord>,
    private readonly now: () => number,
    private readonly retentionMs: number,
    private readonly maxRegistered: number = 20_000
  ) {
    super()
    this.timer = setInterval(() => this.track(this.prune().catch(() => undefined)), PRUNE_EVERY_MS)
    this.timer.unref()
  }

  static async open(
    persistence: Pick<PersistenceBackend, 'collection'>,
    now: () => number = Date.now,
    options: PushClientRegistryOptions = {}
  ): Promise<PushClientRegistry> {
    const ds = await persistence.collection<ClientRecord>('clients', { unique: 'uid' })
    const registry = new PushClientRegistry(
      ds,
      now,
      (options.retentionDays ?? 30) * DAY_MS,
      options.maxRegisteredClients
    )
    const unseen: string[] = []
    for (const record of await ds.find()) {
      // Saved by a version that did not record it: seen now, so no client is deleted before it
      // had a retention time to come back.
      if (record.lastSeen === undefined) {
        record.lastSeen = now()
        unseen.push(record.uid)
      }
      registry.index(record)
    }
    if (unseen.length > 0) await ds.update({ uid: { in: unseen } }, { lastSeen: now() })
    await registry.prune()
    return registry
  }

  /**
   * Deletes the clients not connected and not seen for the retention time. The writes are
   * issued at once (the collection keeps their order), so a client registering meanwhile is
   * written after its old record is gone. Returns how many were deleted.
   */
  async prune(): Promise<number> {
    const now = this.now()
    const cutoff = now - this.retentionMs
    const gone: string[] = []
    // Connected clients are seen now: recorded, so a console that crashes keeps them too.
    const seen = [...this.connections.keys()].filter((uid) => this.byUid.has(uid))
    for (const uid of seen) this.byUid.get(uid)!.lastSeen = now
    for (const record of this.byUid.values()) {
      if ((record.lastSeen ?? record.registeredAt) >= cutoff) continue
      gone.push(record.uid)
      this.byUid.delete(record.uid)
      this.byToken.delete(record.token)
    }
    if (gone.length > 0) this.cached = null
    await Promise.all([
      gone.length > 0 && this.ds.remove({ uid: { in: gone } }),
      seen.length > 0 && this.ds.update({ uid: { in: seen } }, { lastSeen: now })
    ])
    return gone.length
  }

  /** Stops the hourly pruning and waits for the writes in flight. */
  async close(): Promise<void> {
    clearInterval(this.timer)
    await Promise.allSettled([...this.pending])
  }

  private track(write: Promise<unknown>): void {
    this.pending.add(write)
    void write.finally(() => this.pending.delete(write))
  }

  private index(record: ClientRecord): void {
    this.cached = null
    this.byUid.set(record.uid, record)
    this.byToken.set(record.token, record)
  }

  /** Registers a uid (or renames it) and returns its token, the same one every time. */
  async register(uid: string, name: string | null): Promise<string> {
    const known = this.byUid.get(uid)
    if (known !== undefined) {
      if (name !== null) known.name = name
      this.cached = null
      known.lastSeen = this.now()
      await this.ds.update({ uid }, { name: known.name, lastSeen: known.lastSeen })
      return known.token
    }
    // Counted before the insert, with the inserts in flight: a burst of new uids from many
    // addresses stops here, however many arrive together.
    if (this.byUid.size + this.registering.size >= this.maxRegistered) {
      throw new OperationError(
        'too_many_clients',
        `at most ${this.maxRegistered} push clients may be registered; one not seen for the retention time is forgotten and frees its place`
      )
    }
    const record: ClientRecord = {
      uid,
      name,
      token: randomBytes(24).toString('base64url'),
      registeredAt: this.now(),
      lastSeen: this.now(),
      lastReceipt: null
    }
    this.registering.add(uid)
    try {
      await this.ds.insert({ ...record })
    } finally {
      this.registering.delete(uid)
    }
    this.index(record)
    return record.token
  }

  connected(uid: string): void {
    this.connections.set(uid, { connectedSince: this.now() })
    this.announce(uid)
  }

  disconnected(uid: string): void {
    if (!this.connections.delete(uid)) return
    const record = this.byUid.get(uid)
    if (record !== undefined) {
      record.lastSeen = this.now()
      // Best effort: should it fail, the client counts as seen at its registration instead.
      this.track(this.ds.update({ uid }, { lastSeen: record.lastSeen }).catch(() => undefined))
    }
    this.announce(uid)
  }

  async receipt(uid: string, receipt: { id: string; status: string }): Promise<void> {
    const record = this.byUid.get(uid)
    if (record === undefined) return
    record.lastReceipt = { id: receipt.id, status: receipt.status, time: this.now() }
    await this.ds.update({ uid }, { lastReceipt: record.lastReceipt })
    this.announce(uid)
  }

  /** The uid a `to` names: a uid, or a client's token. */
  resolve(uidOrToken: string): string | undefined {
    return this.byUid.get(uidOrToken)?.uid ?? this.byToken.get(uidOrToken)?.uid
  }

  /** Whether `uid` is registered (a new one would add a record). */
  has(uid: string): boolean {
    return this.byUid.has(uid)
  }

  isOnline(uid: string): boolean {
    return this.connections.has(uid)
  }

  onlineUids(): string[] {
    return [...this.connections.keys()]
  }

  /** Sorted by uid in code-unit order; the same array until something changes: do not mutate. */
  list(): readonly PushClientState[] {
    this.cached ??= [...this.byUid.values()]
      .map((r) => this.stateOf(r))
      .sort((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0))
    return this.cached
  }

  private stateOf(record: ClientRecord): PushClientState {
    const connection = this.connections.get(record.uid)
    return {
      uid: record.uid,
      name: record.name,
      online: connection !== undefined,
      connectedSince: connection?.connectedSince ?? null,
      lastReceipt: record.lastReceipt,
      tokenHint: maskKey(record.token)
    }
  }

  private announce(uid: string): void {
    this.cached = null
    const record = this.byUid.get(uid)
    if (record !== undefined) this.emit('changed', [this.stateOf(record)])
  }
}
