import type { MessageStatus } from '../../../shared/api-types'
import type { DayCollections } from '../persistence/day-collections'
import type { DocumentCollection } from '../persistence/document-collection'
import type { PersistenceBackend } from '../persistence/persistence-backend'
import { DAY_MS, dayOf, dayStart } from '../persistence/utc-day'
import { isUuid, timeOfMessageId } from './message-ids'

export interface MessageRecord extends MessageStatus {
  data: unknown
}

export interface MessagePartitionsOptions {
  retentionDays: number
  ttlMs: number
  now: () => number
}

type Day = DocumentCollection<MessageRecord>

/**
 * Messages in one collection per UTC day of their time (`messages`; NeDB:
 * `messages/2026-12-01.db`). Only the days that can hold live messages (younger than the TTL)
 * are opened; retention deletes whole days; a message of an older day is looked up in its day,
 * which its id names (see message-ids.ts). So neither start-up nor retention grows with the
 * messages kept. Only the ids of messages carried over from an earlier version name no day:
 * those are searched for in the days up to the carry-over, newest first, one search at a time,
 * until retention has deleted those days.
 */
export class MessagePartitions {
  private readonly loaded = new Map<string, Promise<Day>>()
  private readonly inFlight = new Set<Promise<unknown>>()
  /** Searches of every day (ids from before v7 ids) run one at a time. */
  private searches: Promise<unknown> = Promise.resolve()

  private constructor(
    private readonly days: DayCollections<MessageRecord>,
    private readonly options: MessagePartitionsOptions
  ) {}

  /** Opens the partitions (the backend carries over an earlier version's layout once). */
  static async open(
    persistence: Pick<PersistenceBackend, 'dayCollections'>,
    options: MessagePartitionsOptions
  ): Promise<{ partitions: MessagePartitions; live: MessageRecord[] }> {
    const now = options.now()
    const days = await persistence.dayCollections<MessageRecord>('messages', {
      unique: 'id',
      time: 'time',
      keepFrom: now - options.retentionDays * DAY_MS,
      now
    })
    const partitions = new MessagePartitions(days, options)
    await partitions.prune()
    const live: MessageRecord[] = []
    const firstLive = dayOf(now - options.ttlMs)
    for (const day of await days.days()) {
      if (day < firstLive) continue
      const collection = await partitions.collection(day)
      live.push(...(await collection.find({ expiresAt: { gt: now } })))
    }
    return { partitions, live }
  }

  private cutoff(): number {
    return this.options.now() - this.options.retentionDays * DAY_MS
  }

  private collection(day: string): Promise<Day> {
    let collection = this.loaded.get(day)
    if (collection === undefined) {
      collection = this.days.open(day)
      this.loaded.set(day, collection)
      collection.catch(() => this.loaded.delete(day))
    }
    return collection
  }

  /** Runs a write, counted from its call: release() waits for it, from the day's open on. */
  private write(day: string, op: (collection: Day) => Promise<unknown>): Promise<void> {
    const write = this.collection(day).then(op)
    this.inFlight.add(write)
    void write.then(
      () => this.inFlight.delete(write),
      () => this.inFlight.delete(write)
    )
    return write.then(() => undefined)
  }

  insert(record: MessageRecord): Promise<void> {
    const copy = structuredClone(record)
    return this.write(dayOf(record.time), (collection) => collection.insert(copy))
  }

  setRecipients(record: MessageRecord): Promise<void> {
    const recipients = structuredClone(record.recipients)
    return this.write(dayOf(record.time), (collection) =>
      collection.update({ id: record.id }, { recipients })
    )
  }

  /** A message by id, from its day's partition; undefined when none holds it. */
  async find(id: string): Promise<MessageRecord | undefined> {
    const time = timeOfMessageId(id)
    if (time !== undefined) return this.findIn(dayOf(time), id)
    const until = this.days.carriedOverUntil
    if (until === null || !isUuid(id)) return undefined
    const lastDay = dayOf(until)
    const search = this.searches.then(async () => {
      const days = (await this.days.days()).filter((d) => d <= lastDay)
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
    const collection = this.loaded.get(day)
    if (collection !== undefined) return (await collection).findOne({ id })
    return this.days.lookup(day, id)
  }

  /**
   * Lets go of the open days wholly before `time` (no live message is in them) once their
   * writes are done; a later write to one opens it again.
   */
  async release(time: number): Promise<void> {
    const days = [...this.loaded.keys()].filter((d) => dayStart(d) + DAY_MS <= time)
    if (days.length === 0) return
    // Until no write is left: one to a day let go of could race the next open of it.
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight])
    for (const day of days) this.loaded.delete(day)
  }

  /** Deletes the days past retention (never an open one: a TTL longer than the retention). */
  async prune(): Promise<string[]> {
    let cutoff = this.cutoff()
    for (const day of this.loaded.keys()) cutoff = Math.min(cutoff, dayStart(day))
    return this.days.deleteBefore(cutoff)
  }

  /** Resolves once every write issued so far is done. */
  async close(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight])
  }
}
