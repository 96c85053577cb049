/**
 * The contracts every backend passes, run against NeDB (files in a temp data dir). Another
 * backend adds a spec file like this one, with its own storage factory.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { NedbBackend } from '../../../../src/main/core/persistence/nedb/nedb-backend'
import type { BackendFactory } from './backend-fixture'
import { dayCollectionsContract } from './day-collections.contract'
import { dayLogContract } from './day-log.contract'
import { documentCollectionContract } from './document-collection.contract'
import { partitionRollupsContract } from './partition-rollups.contract'
import { reportPartitionsContract } from './report-partitions.contract'

const nedb: BackendFactory = async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'lookout-nedb-'))
  return {
    open: () => new NedbBackend({ dataDir }),
    cleanup: () => rm(dataDir, { recursive: true, force: true })
  }
}

documentCollectionContract('NeDB', nedb)
dayCollectionsContract('NeDB', nedb)
dayLogContract('NeDB', nedb)
reportPartitionsContract('NeDB', nedb)
partitionRollupsContract('NeDB', nedb)
