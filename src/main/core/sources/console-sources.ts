import type { SourceConfig } from '../../../shared/source-types'
import type { DocumentCollection } from '../persistence/document-collection'
import type { PersistenceBackend } from '../persistence/persistence-backend'
import type { Logger } from '../runtime/logger'
import { checkSource, sourcePathText } from './source-schema'

/**
 * The sources made in the console (the API, the window), kept in a collection (`sources`; NeDB:
 * `sources.db` in the data dir, with an OPC UA password as given: the data dir is the
 * operator's, as the keys in it are) and in memory. Each change is made in memory at once and
 * written in call order, as the console's alarm rules are.
 */
export class ConsoleSources {
  private readonly byId = new Map<string, SourceConfig>()

  private constructor(private readonly ds: DocumentCollection<SourceConfig>) {}

  /**
   * Opens the collection and reads the sources. A stored one this version no longer takes is
   * left out with a warning, not a failed start: the console must come up to be fixed.
   */
  static async open(
    persistence: Pick<PersistenceBackend, 'collection'>,
    logger: Logger
  ): Promise<ConsoleSources> {
    const ds = await persistence.collection<SourceConfig>('sources', { unique: 'id' })
    const sources = new ConsoleSources(ds)
    for (const doc of await ds.find()) {
      const checked = checkSource(doc)
      if ('source' in checked) sources.byId.set(checked.source.id, checked.source)
      else
        logger.warn(
          { source: doc.id, reason: `${sourcePathText(checked.path)}: ${checked.message}` },
          'a stored source was left out: this version does not take it'
        )
    }
    return sources
  }

  list(): SourceConfig[] {
    return [...this.byId.values()].map((config) => structuredClone(config))
  }

  get(id: string): SourceConfig | undefined {
    const config = this.byId.get(id)
    return config === undefined ? undefined : structuredClone(config)
  }

  has(id: string): boolean {
    return this.byId.has(id)
  }

  get size(): number {
    return this.byId.size
  }

  /** Adds a source whose id the caller checked is free. */
  async create(config: SourceConfig): Promise<void> {
    const kept = structuredClone(config)
    this.byId.set(config.id, kept)
    try {
      await this.ds.insert(structuredClone(kept))
    } catch (error) {
      if (this.byId.get(config.id) === kept) this.byId.delete(config.id)
      throw error
    }
  }

  /** Replaces the source of `config.id` as a whole (fields left out are gone). */
  async replace(config: SourceConfig): Promise<void> {
    const kept = structuredClone(config)
    this.byId.set(config.id, kept)
    // Removed and inserted, not updated: an update would keep the fields left out.
    await Promise.all([this.ds.remove({ id: config.id }), this.ds.insert(structuredClone(kept))])
  }

  async remove(id: string): Promise<void> {
    this.byId.delete(id)
    await this.ds.remove({ id })
  }
}
