import { join } from 'node:path'

import { silentLogger, type Logger } from '../../runtime/logger'
import type { DayCollections, DayCollectionsOptions } from '../day-collections'
import type { DayLog, DayLogOptions } from '../day-log'
import type { CollectionOptions, DocumentCollection } from '../document-collection'
import type { PartitionRollups } from '../partition-rollups'
import type { PersistenceBackend } from '../persistence-backend'
import type { ReportPartitions } from '../report-partitions'
import { listDayFiles } from './day-files'
import { NdjsonDayLog } from './ndjson-day-log'
import { NedbCollection } from './nedb-collection'
import { NedbDayCollections } from './nedb-day-collections'
import { NedbPartitionRollups } from './nedb-partition-rollups'
import { NedbReportPartitions } from './nedb-report-partitions'
import { repairTornFiles, type TornTail } from './torn-tail'

export interface NedbBackendOptions {
  dataDir: string
  /** Closed report partitions kept parsed in memory for history queries. */
  openPartitionCache?: number
  /** Says which data files were repaired; the report partitions log under `store`. */
  logger?: Logger
}

/**
 * Everything in files of the data dir, as earlier versions left them (upgrades happen in place):
 *
 * - `<name>.db`: a collection, one NeDB datafile (`clients.db`)
 * - `<name>/<day>.db`: day collections, a NeDB datafile per UTC day (`messages/`)
 * - `<name>/<day>.ndjson`: a day log, NDJSON per UTC day (`device-events/`)
 * - `reports/`: the report partitions, `reports-<start ms>.db` and the catalog `partitions.db`
 * - `reports/rollups/`: a rollup per closed partition, `reports-<start ms>.ndjson`
 *
 * Every file is repaired before it is loaded: a last line cut short by a crash or a power cut
 * is removed, and said so (NeDB alone drops it silently, or refuses a small file altogether).
 */
export class NedbBackend implements PersistenceBackend {
  private readonly logger: Logger

  constructor(private readonly options: NedbBackendOptions) {
    this.logger = options.logger ?? silentLogger()
  }

  async collection<T extends object>(
    name: string,
    options: CollectionOptions<T> = {}
  ): Promise<DocumentCollection<T>> {
    const file = join(this.options.dataDir, name + '.db')
    await this.repair([file])
    return NedbCollection.open<T>(file, options)
  }

  async dayCollections<T extends object>(
    name: string,
    options: DayCollectionsOptions<T>
  ): Promise<DayCollections<T>> {
    await this.repairDays(name, '.db')
    return NedbDayCollections.open<T>(this.options.dataDir, name, options)
  }

  async dayLog<T extends object>(name: string, options: DayLogOptions<T>): Promise<DayLog<T>> {
    await this.repairDays(name, '.ndjson')
    return NdjsonDayLog.open<T>(this.options.dataDir, name, options)
  }

  reportPartitions(): ReportPartitions {
    return new NedbReportPartitions({
      dir: join(this.options.dataDir, 'reports'),
      openPartitionCache: this.options.openPartitionCache ?? 1,
      logger: this.logger.child({ ns: 'store' }),
      onRepair: (torn) => this.repaired(torn)
    })
  }

  partitionRollups(): PartitionRollups {
    return new NedbPartitionRollups({
      dir: join(this.options.dataDir, 'reports', 'rollups'),
      logger: this.logger.child({ ns: 'store' })
    })
  }

  /** The single file of an earlier version (carried over at open), and the day files. */
  private async repairDays(name: string, ext: string): Promise<void> {
    const dir = join(this.options.dataDir, name)
    const days = (await listDayFiles(dir, ext)).map((file) => join(dir, file))
    await this.repair([join(this.options.dataDir, name + '.db'), ...days])
  }

  private async repair(files: string[]): Promise<void> {
    for (const torn of await repairTornFiles(files)) this.repaired(torn)
  }

  private repaired(torn: TornTail): void {
    this.logger.warn(
      { file: torn.file, bytes: torn.bytes },
      'repaired a data file: removed its torn last line (a write cut short by a crash or power cut)'
    )
  }
}
