import type { SourceStatus } from '../../../shared/source-types'
import type { Logger } from '../runtime/logger'
import { parseSource } from '../sources/source-schema'
import type { SourceService } from '../sources/source-service'
import { parseId } from './request-schemas'

/** What the source operations act on: the running console's sources. */
export type SourceServicePart = Pick<SourceService, 'list' | 'create' | 'update' | 'remove'>

/**
 * The sources use cases (`/api/sources`, the window's Sources), for HTTP and IPC alike. Listing
 * is any key's; creating, changing and deleting are the operator's — the routes and the window
 * hold that line, these validate what comes.
 */
export class SourceOperations {
  constructor(
    private readonly sources: () => SourceServicePart,
    private readonly logger: Logger
  ) {}

  list(): SourceStatus[] {
    return this.sources().list()
  }

  async create(input: unknown): Promise<SourceStatus> {
    const sources = this.sources()
    const config = parseSource(input)
    const created = await sources.create(config)
    this.logger.info({ source: config.id, type: config.type }, 'source created')
    return created
  }

  async update(id: unknown, input: unknown): Promise<SourceStatus> {
    const sources = this.sources()
    const checked = parseId(id, 'a source id')
    // The body may leave its id out: the path names the source.
    const body =
      typeof input === 'object' && input !== null && !Array.isArray(input) && !('id' in input)
        ? { id: checked, ...input }
        : input
    const updated = await sources.update(checked, parseSource(body))
    this.logger.info({ source: checked }, 'source changed')
    return updated
  }

  async remove(id: unknown): Promise<void> {
    const sources = this.sources()
    const checked = parseId(id, 'a source id')
    await sources.remove(checked)
    this.logger.info({ source: checked }, 'source deleted')
  }
}
