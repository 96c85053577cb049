import type { Filter, FilterField } from './query-filter'

export interface CollectionOptions<T> {
  /**
   * A field no two documents share: an insert that would repeat it is refused. It names a
   * document for good, so it is never changed by an update.
   */
  unique?: FilterField<T>
}

/**
 * Documents of one kind (push clients, a day of messages), stored and found by a Filter. A
 * document comes back as it was stored: the backend's own id (NeDB's `_id`) is never part of
 * it, so `T` must not have one. The order of `find` is not defined.
 *
 * Writes take effect in the order they are called, whether or not the caller waits between them:
 * a remove followed at once by an insert of the same unique value succeeds. A backend may read a
 * document or a change after the call returns, until its promise settles: do not change them
 * meanwhile (copy what you will go on changing).
 */
export interface DocumentCollection<T extends object> {
  /** Stores the documents; if one is refused (its unique value is taken), none of them is. */
  insert(docs: T | readonly T[]): Promise<void>
  find(filter?: Filter<T>): Promise<T[]>
  findOne(filter: Filter<T>): Promise<T | undefined>
  /** Sets the fields of `changes` on every matching document; returns how many matched. */
  update(filter: Filter<T>, changes: Partial<T>): Promise<number>
  /** Removes every matching document; returns how many. */
  remove(filter: Filter<T>): Promise<number>
  count(filter?: Filter<T>): Promise<number>
}
