import type {
  SourceConfig,
  SourceHealth,
  SourceState,
  SourceStatus
} from '../../../shared/source-types'
import { compareIds } from '../devices/sorted-ids'
import { OperationError } from '../operations/operation-error'
import type { PersistenceBackend } from '../persistence/persistence-backend'
import type { Logger } from '../runtime/logger'
import { ConsoleSources } from './console-sources'
import { Source, type SourceDeps } from './source'
import { HIDDEN_PASSWORD, SOURCE_LIMITS } from './source-schema'
import { SourcesFile } from './sources-file'

export interface SourceServiceOptions extends Omit<SourceDeps, 'logger'> {
  persistence: Pick<PersistenceBackend, 'collection'>
  /** `--sources`: a JSON or YAML file of sources, re-read on change. */
  file?: string
  logger: Logger
}

/** The `sources` section of `/api/diagnostics`. */
export interface SourcesDiagnostics {
  total: number
  states: Record<SourceState, number>
  /** Why the sources file's present text is not in force, or null. */
  fileError: string | null
}

interface Running {
  source: Source
  origin: SourceStatus['origin']
}

/** Two configs alike (a file edit that left one source as it was keeps it reading). */
function same(a: SourceConfig, b: SourceConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/**
 * The sources of the console, composed: those made in the console (kept in the data dir) and
 * those of the sources file (read-only here), each run by a `Source`. Started once the intake
 * takes reports, closed before it stops. Ids are one namespace: a console source cannot take a
 * file's id, and a file edit taking a console's id is refused.
 */
export class SourceService {
  private readonly running = new Map<string, Running>()
  private file: SourcesFile | null = null
  private closed = false

  private constructor(
    private readonly options: SourceServiceOptions,
    private readonly consoleSources: ConsoleSources
  ) {}

  /** Reads both; a sources file that does not read, parse or fit stops the start. */
  static async open(options: SourceServiceOptions): Promise<SourceService> {
    const stored = await ConsoleSources.open(options.persistence, options.logger)
    const service = new SourceService(options, stored)
    if (options.file !== undefined)
      service.file = await SourcesFile.open(
        options.file,
        options.logger,
        { ids: () => stored.list().map((s) => s.id) },
        (sources) => void service.onFileSources(sources)
      )
    return service
  }

  /** Starts every source; each connects on its own, none waits for another. */
  start(): void {
    for (const config of this.consoleSources.list()) this.run(config, 'console')
    for (const config of this.file?.sources() ?? []) this.run(config, 'file')
  }

  /** Every source, by id, with its health; passwords hidden. */
  list(): SourceStatus[] {
    return this.inIdOrder().map(({ source, origin }) => source.status(origin))
  }

  /** Every source's health without its config (the live topic's), by id. */
  health(): SourceHealth[] {
    return this.inIdOrder().map(({ source, origin }) => source.health(origin))
  }

  private inIdOrder(): Running[] {
    return [...this.running].sort(([a], [b]) => compareIds(a, b)).map(([, running]) => running)
  }

  async create(config: SourceConfig): Promise<SourceStatus> {
    this.refuseFileId(config.id)
    if (this.consoleSources.has(config.id))
      throw new OperationError('conflict', `id: there is a source ${config.id} already`)
    if (config.type === 'opcua' && config.password === HIDDEN_PASSWORD)
      throw new OperationError(
        'bad_request',
        `password: ${HIDDEN_PASSWORD} stands for a hidden password; give the password itself`
      )
    if (this.running.size >= SOURCE_LIMITS.maxSources)
      throw new OperationError(
        'conflict',
        `at most ${SOURCE_LIMITS.maxSources} sources, the console's and the file's together`
      )
    await this.consoleSources.create(config)
    return this.run(config, 'console').status('console')
  }

  /**
   * Replaces a console source as a whole and starts it again with the new config. An OPC UA
   * password of `…` (as listed) keeps the one stored: a config read from the API can be sent
   * back changed without knowing it.
   */
  async update(id: string, config: SourceConfig): Promise<SourceStatus> {
    this.refuseFileId(id)
    const old = this.consoleSources.get(id)
    if (old === undefined) throw new OperationError('not_found', `no source ${id}`)
    if (config.id !== id)
      throw new OperationError('bad_request', `id: the body's id must be the path's (${id})`)
    let next = config
    if (next.type === 'opcua' && next.password === HIDDEN_PASSWORD)
      next = {
        ...next,
        password: old.type === 'opcua' ? old.password : undefined
      } as SourceConfig
    if (next.type === 'opcua' && next.password === undefined && next.user !== undefined)
      throw new OperationError('bad_request', `password: required with a user (${next.user})`)
    await this.consoleSources.replace(next)
    await this.stopSource(id)
    return this.run(next, 'console').status('console')
  }

  async remove(id: string): Promise<void> {
    this.refuseFileId(id)
    if (!this.consoleSources.has(id)) throw new OperationError('not_found', `no source ${id}`)
    await this.consoleSources.remove(id)
    await this.stopSource(id)
  }

  diagnostics(): SourcesDiagnostics {
    const states: Record<SourceState, number> = { connected: 0, connecting: 0, error: 0 }
    for (const { source } of this.running.values()) states[source.currentState]++
    return { total: this.running.size, states, fileError: this.file?.lastError() ?? null }
  }

  /** Stops every source (their drivers closed) and the file's watch. */
  async close(): Promise<void> {
    this.closed = true
    this.file?.close()
    const all = [...this.running.values()]
    this.running.clear()
    await Promise.all(all.map(({ source }) => source.stop()))
  }

  private run(config: SourceConfig, origin: Running['origin']): Source {
    const { persistence: _p, file: _f, logger, ...deps } = this.options
    const source = new Source(config, { ...deps, logger })
    this.running.set(config.id, { source, origin })
    source.start()
    return source
  }

  private async stopSource(id: string): Promise<void> {
    const running = this.running.get(id)
    if (running === undefined) return
    this.running.delete(id)
    await running.source.stop()
  }

  private refuseFileId(id: string): void {
    if (this.running.get(id)?.origin === 'file')
      throw new OperationError(
        'conflict',
        `source ${id} comes from the sources file (--sources): change it there`
      )
  }

  /** An edit of the file that parsed and fits: its sources gone, new or changed are applied. */
  private async onFileSources(sources: SourceConfig[]): Promise<void> {
    if (this.closed) return
    const next = new Map(sources.map((s) => [s.id, s]))
    const stops: Promise<void>[] = []
    for (const [id, { source, origin }] of this.running) {
      if (origin !== 'file') continue
      const config = next.get(id)
      if (config !== undefined && same(config, source.config)) next.delete(id)
      else stops.push(this.stopSource(id))
    }
    await Promise.all(stops)
    if (this.closed) return
    for (const config of next.values()) {
      // Made in the console while the file was read: the console's stays (the file's parse
      // refuses such an id from the next edit on).
      if (this.consoleSources.has(config.id)) continue
      this.run(config, 'file')
    }
  }
}
