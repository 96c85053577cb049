import { afterEach } from 'vitest'

import type { PersistenceBackend } from '../../../../src/main/core/persistence/persistence-backend'

/**
 * Fresh, empty storage for one test, of the backend under test: NeDB a temp dir, a database
 * server a schema of its own. `open()` gives a new backend over the same storage, as a restart
 * would; `cleanup()` removes the storage.
 */
export interface BackendStorage {
  open(): PersistenceBackend
  cleanup(): Promise<void>
}

/** How a backend's spec file hands its storage to the contracts. */
export type BackendFactory = () => Promise<BackendStorage>

/**
 * Fresh storage for each test of a describe block, removed after it: call inside `describe`.
 */
export function freshStorage(factory: BackendFactory): () => Promise<BackendStorage> {
  const made: BackendStorage[] = []
  afterEach(async () => {
    await Promise.all(made.splice(0).map((s) => s.cleanup()))
  })
  return async () => {
    const s = await factory()
    made.push(s)
    return s
  }
}
