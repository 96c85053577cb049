import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import Datastore from 'nedb-promises'

import type { MessageStatus } from '../../../shared/api-types'
import {
  DAY_MS,
  dayOf,
  dayOfFile,
  dayStart,
  deleteDaysBefore,
  listDayFiles
} from '../persistence/day-files'
import { migrateToDays } from '../persistence/day-migration'
import { scanNedbFile } from '../persistence/nedb/nedb-lines'
import { isUuid, timeOfMessageId } from './message-ids'

export interface MessageRecord extends MessageStatus {
  data: unknown
}

const EXT = '.db'
/**
 * Written when a `messages.db` is carried over: the time up to which messages may have ids of an
 * earlier version (random UUIDs), which only a search of those days can find.
 */
const LEGACY_UNTIL = 'legacy-until'

export interface MessagePartitionsOptions {
  dataDir: string
  retentionDays: number
  ttlMs: number
  now: () => number
}

/**
 * Messages in one NeDB file per UTC day of their time (`messages/2026-12-01.db`). Only the days
 * that can hold live messages (younger than the TTL) are loaded into NeDB; retention deletes
 * whole days; a message of an older day is found by streaming its day's file, which its id
 * names (see message-ids.ts). So neither start-up nor retention grows with the messages kept.
 * Only the ids of messages carried over from an earlier version name no day: those are searched
 * for in the days up to the migration, newest first, one search at a time, until retention has
 * deleted those days.
 */
export class MessagePartitions {
  private readonly loaded = new Map<string, Promise<Datastore<MessageRecord>>>()
  private readonly inFlight = new Set<Promise<unknown>>()
  /** Searches of every day (ids from before v7 ids) run one at a time. */
  private searches: Promise<unknown> = Promise.resolve()
  private readonly dir: string
  /** Days up to this one may hold messages with random UUIDs; null when none can. */
  private legacyUntil: string | null = null

  private constructor(private readonly options: MessagePartitionsOptions) {
    this.dir = join(options.dataDir, 'messages')
  }

  /** Opens the partitions, carrying over a `messages.db` of an earlier version once. */
  static async open(
    options: MessagePartitionsOptions
  ): Promise<{ partitions: MessagePartitions; live: MessageRecord[] }> {
    const partitions = new MessagePartitions(options)
    const { dir } = partitions
    const now = options.now()
    const migrated = await migrateToDays({
      legacy: join(options.dataDir, 'messages.db'),
      dir,
      ext: EXT,
      cutoff: partitions.cutoff(),
      // NeDB lines are kept as they are: an update is the whole document again, under its _id.
      convert: ({ doc, line }) =>
        typeof doc.id === 'string' && typeof doc.time === 'number' ? { time: doc.time, line } : null
    })
    await mkdir(dir, { recursive: true })
    if (migrated !== null) await writeFile(join(dir, LEGACY_UNTIL), String(now))
    const legacyUntil = Number(await readFile(join(dir, LEGACY_UNTIL), 'utf8').catch(() => NaN))
    if (Number.isFinite(legacyUntil)) partitions.legacyUntil = dayOf(legacyUntil)
    await partitions.prune()
    const live: MessageRecord[] = []
    const firstLive = dayOf(now - options.ttlMs)
    for (const name of await listDayFiles(dir, EXT)) {
      const day = dayOfFile(name)
      if (day < firstLive) continue
      const ds = await partitions.datastore(day)
      for (const stored of await ds.find({ expiresAt: { $gt: now } })) live.push(withoutId(stored))
    }
    return { partitions, live }
  }

  private cutoff(): number {
    return this.options.now() - this.options.retentionDays * DAY_MS
  }

  private datastore(day: string): Promise<Datastore<MessageRecord>> {
    let ds = this.loaded.get(day)
    if (ds === undefined) {
      ds = (async () => {
        const store = Datastore.create({ filename: join(this.dir, day + EXT) })
        await store.load()
        await store.ensureIndex({ fieldName: 'id', unique: true })
        return store as Datastore<MessageRecord>
      })()
      this.loaded.set(day, ds)
      ds.catch(() => this.loaded.delete(day))
    }
    return ds
  }

  /** Runs a write, counted from its call: release() waits for it, from the day's load on. */
  private write(
    day: string,
    op: (ds: Datastore<MessageRecord>) => Promise<unknown>
  ): Promise<void> {
    const write = this.datastore(day).then(op)
    this.inFlight.add(write)
    void write.then(
      () => this.inFlight.delete(write),
      () => this.inFlight.delete(write)
    )
    return write.then(() => undefined)
  }

  insert(record: MessageRecord): Promise<void> {
    const copy = structuredClone(record)
    return this.write(dayOf(record.time), (ds) => ds.insert(copy))
  }

  setRecipients(record: MessageRecord): Promise<void> {
    const recipients = structuredClone(record.recipients)
    return this.write(dayOf(record.time), (ds) =>
      ds.update({ id: record.id }, { $set: { recipients } })
    )
  }

  /** A message by id, from its day's partition; undefined when none holds it. */
  async find(id: string): Promise<MessageRecord | undefined> {
    const time = timeOfMessageId(id)
    if (time !== undefined) return this.findIn(dayOf(time), id)
    const until = this.legacyUntil
    if (until === null || !isUuid(id)) return undefined
    const search = this.searches.then(async () => {
      const days = (await listDayFiles(this.dir, EXT)).map(dayOfFile).filter((d) => d <= until)
      for (const day of days.reverse()) {
        const found = await this.findIn(day, id)
        if (found !== undefined) return found
      }
      return undefined
    })
    this.searches = search.catch(() => undefined)
    return search
  }

  private async findIn(day: string, id: string): Promise<MessageRecord | undefined> {
    const ds = this.loaded.get(day)
    if (ds !== undefined) {
      const stored = await (await ds).findOne({ id })
      return stored === null ? undefined : withoutId(stored)
    }
    let found: MessageRecord | undefined
    try {
      // Every version of the message is read: the last one is current.
      for await (const { doc } of scanNedbFile(join(this.dir, day + EXT), (l) => l.includes(id)))
        if (doc.id === id) found = withoutId(doc as unknown as MessageRecord)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    return found
  }

  /**
   * Lets go of the loaded days wholly before `time` (no live message is in them) once their
   * writes are done; a later write to one loads it again.
   */
  async release(time: number): Promise<void> {
    const days = [...this.loaded.keys()].filter((d) => dayStart(d) + DAY_MS <= time)
    if (days.length === 0) return
    // Until no write is left: one to a day let go of could race the next load of its file.
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight])
    for (const day of days) this.loaded.delete(day)
  }

  /** Deletes the days past retention (never a loaded one: a TTL longer than the retention). */
  async prune(): Promise<string[]> {
    let cutoff = this.cutoff()
    for (const day of this.loaded.keys()) cutoff = Math.min(cutoff, dayStart(day))
    const deleted = await deleteDaysBefore(this.dir, EXT, cutoff)
    if (this.legacyUntil !== null && dayOf(cutoff) > this.legacyUntil) {
      await rm(join(this.dir, LEGACY_UNTIL), { force: true })
      this.legacyUntil = null
    }
    return deleted
  }

  /** Resolves once every write issued so far is done. */
  async close(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight])
  }
}

function withoutId(record: MessageRecord & { _id?: string }): MessageRecord {
  const { _id: _ignored, ...rest } = record
  return rest
}
