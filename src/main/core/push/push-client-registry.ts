import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { join } from 'node:path'

import Datastore from 'nedb-promises'

import type { PushClientState } from '../../../shared/live-events'
import { maskKey } from '../keys'

interface ClientRecord {
  uid: string
  name: string | null
  token: string
  registeredAt: number
  lastReceipt: PushClientState['lastReceipt']
}

interface Connection {
  connectedSince: number
}

/**
 * The push clients that ever registered, kept in NeDB (`clients.db`) so a uid gets the same
 * token after reconnects and restarts, and which of them are connected now.
 */
export class PushClientRegistry extends EventEmitter<{ changed: [clients: PushClientState[]] }> {
  private readonly byUid = new Map<string, ClientRecord>()
  private readonly byToken = new Map<string, ClientRecord>()
  private readonly connections = new Map<string, Connection>()

  private constructor(
    private readonly ds: Datastore<ClientRecord>,
    private readonly now: () => number
  ) {
    super()
  }

  static async open(dir: string, now: () => number = Date.now): Promise<PushClientRegistry> {
    const ds = Datastore.create({ filename: join(dir, 'clients.db') }) as Datastore<ClientRecord>
    await ds.load()
    await ds.ensureIndex({ fieldName: 'uid', unique: true })
    const registry = new PushClientRegistry(ds, now)
    for (const record of await ds.find({})) registry.index(record)
    return registry
  }

  private index(record: ClientRecord): void {
    this.byUid.set(record.uid, record)
    this.byToken.set(record.token, record)
  }

  /** Registers a uid (or renames it) and returns its token, the same one every time. */
  async register(uid: string, name: string | null): Promise<string> {
    const known = this.byUid.get(uid)
    if (known !== undefined) {
      if (name !== null && name !== known.name) {
        known.name = name
        await this.ds.update({ uid }, { $set: { name } })
      }
      return known.token
    }
    const record: ClientRecord = {
      uid,
      name,
      token: randomBytes(24).toString('base64url'),
      registeredAt: this.now(),
      lastReceipt: null
    }
    await this.ds.insert({ ...record })
    this.index(record)
    return record.token
  }

  connected(uid: string): void {
    this.connections.set(uid, { connectedSince: this.now() })
    this.announce(uid)
  }

  disconnected(uid: string): void {
    if (this.connections.delete(uid)) this.announce(uid)
  }

  async receipt(uid: string, receipt: { id: string; status: string }): Promise<void> {
    const record = this.byUid.get(uid)
    if (record === undefined) return
    record.lastReceipt = { id: receipt.id, status: receipt.status, time: this.now() }
    await this.ds.update({ uid }, { $set: { lastReceipt: record.lastReceipt } })
    this.announce(uid)
  }

  /** The uid a `to` names: a uid, or a client's token. */
  resolve(uidOrToken: string): string | undefined {
    return this.byUid.get(uidOrToken)?.uid ?? this.byToken.get(uidOrToken)?.uid
  }

  isOnline(uid: string): boolean {
    return this.connections.has(uid)
  }

  onlineUids(): string[] {
    return [...this.connections.keys()]
  }

  list(): PushClientState[] {
    return [...this.byUid.values()]
      .map((r) => this.stateOf(r))
      .sort((a, b) => a.uid.localeCompare(b.uid))
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
    const record = this.byUid.get(uid)
    if (record !== undefined) this.emit('changed', [this.stateOf(record)])
  }
}
