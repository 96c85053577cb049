import Datastore from 'nedb-promises'

import type { CollectionOptions, DocumentCollection } from '../document-collection'
import type { Filter, FilterValue } from '../query-filter'
import { toNedbSelector } from './nedb-selector'

/**
 * Values of an `in` condition per NeDB call: NeDB spreads every candidate of an indexed `$in`
 * into one call's arguments, which a few hundred thousand overflow.
 */
const IN_BATCH = 1000

/** A DocumentCollection in one NeDB datafile, held in memory (NeDB appends every write to it). */
export class NedbCollection<T extends object> implements DocumentCollection<T> {
  private constructor(private readonly ds: Datastore<T>) {}

  /** Loads (or creates) the datafile at `path`. */
  static async open<T extends object>(
    path: string,
    options: CollectionOptions<T> = {}
  ): Promise<NedbCollection<T>> {
    const ds = Datastore.create({ filename: path }) as Datastore<T>
    await ds.load()
    // Written to the file once (a `$$indexCreated` line), as earlier versions did.
    if (options.unique !== undefined)
      await ds.ensureIndex({ fieldName: options.unique, unique: true })
    return new NedbCollection(ds)
  }

  async insert(docs: T | readonly T[]): Promise<void> {
    await this.ds.insert(docs as T)
  }

  async find(filter: Filter<T> = {}): Promise<T[]> {
    const found = await Promise.all(inBatches(filter).map((f) => this.ds.find(toNedbSelector(f))))
    return found.flat().map(withoutId)
  }

  async findOne(filter: Filter<T>): Promise<T | undefined> {
    const found = await this.ds.findOne(toNedbSelector(filter))
    return found === null ? undefined : withoutId(found)
  }

  // Every batch is handed to NeDB before the first await, so writes keep the order of the calls.
  async update(filter: Filter<T>, changes: Partial<T>): Promise<number> {
    const $set = changes as Record<string, unknown>
    const counts = inBatches(filter).map((f) =>
      this.ds.update(toNedbSelector(f), { $set }, { multi: true })
    )
    return sum(await Promise.all(counts))
  }

  async remove(filter: Filter<T>): Promise<number> {
    const counts = inBatches(filter).map((f) => this.ds.remove(toNedbSelector(f), { multi: true }))
    return sum(await Promise.all(counts))
  }

  async count(filter: Filter<T> = {}): Promise<number> {
    return sum(await Promise.all(inBatches(filter).map((f) => this.ds.count(toNedbSelector(f)))))
  }
}

/** The filter split on its first long `in` list, so no NeDB call gets more than IN_BATCH values. */
function inBatches<T>(filter: Filter<T>): Array<Filter<T>> {
  for (const [field, condition] of Object.entries(filter) as Array<[string, unknown]>) {
    const list = (condition as { in?: readonly FilterValue[] } | null)?.in
    if (list === undefined || list.length <= IN_BATCH) continue
    const values = [...new Set(list)] // a value in two batches would match twice
    const batches: Array<Filter<T>> = []
    for (let i = 0; i < values.length; i += IN_BATCH)
      batches.push({ ...filter, [field]: { in: values.slice(i, i + IN_BATCH) } })
    return batches
  }
  return [filter]
}

function sum(counts: number[]): number {
  return counts.reduce((a, b) => a + b, 0)
}

/** A copy without NeDB's `_id`, which is the backend's, not the document's. */
export function withoutId<T>(doc: T): T {
  const { _id: _ignored, ...rest } = doc as T & { _id?: unknown }
  return rest as T
}
