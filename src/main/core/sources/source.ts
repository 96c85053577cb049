import type { IngestReply } from '../../../shared/ingest-protocol'
import type {
  SourceConfig,
  SourceHealth,
  SourceReading,
  SourceState,
  SourceStatus
} from '../../../shared/source-types'
import type { Intake, IntakeContext } from '../ingest/intake'
import type { Logger } from '../runtime/logger'
import { ReadRate } from './read-rate'
import type { SourceDriver, SourceDriverFactories } from './source-driver'
import { HIDDEN_PASSWORD } from './source-schema'

/** The timers a source waits with: injected, so specs step through a backoff without sleeping. */
export interface SourceTimers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const REAL_TIMERS: SourceTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout)
}

/** How long a failed source waits before its next attempt: doubling from `initialMs` to `maxMs`. */
export interface BackoffOptions {
  /** 1 s by default. */
  initialMs?: number
  /** 60 s by default: a device back after an hour is read again within a minute. */
  maxMs?: number
  /**
   * Each wait is taken at random between half and all of it (true by default), so sources of
   * one PLC that failed together do not all knock at once when it comes back.
   */
  jitter?: boolean
  /** 0 ≤ x < 1; Math.random by default. */
  random?: () => number
}

export interface SourceDeps {
  /** Where readings go, as reports: the intake every transport uses. */
  intake: Pick<Intake, 'submitDocument' | 'saturated'>
  drivers: SourceDriverFactories
  logger: Logger
  now: () => number
  timers?: SourceTimers
  backoff?: BackoffOptions
}

/** The failure in words, whatever was thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name
  return typeof error === 'string' && error !== '' ? error : 'failed, saying no more'
}

/**
 * One source (a Modbus device, an OPC UA server) kept reading: its driver's readings become the
 * device's reports through the intake, as a line would (the same checks, the same store), with
 * `source:<id>` as their identity. Keeps the health `/api/sources` shows, and when the driver
 * gives up (`error`), stops it and starts a fresh one after a backoff. Whatever its driver does
 * (throws, fails, answers nonsense), nothing reaches another source or ingest.
 */
export class Source {
  private driver: SourceDriver | null = null
  /** Bumped for each driver made (and at stop): events of an earlier driver are ignored. */
  private generation = 0
  private attempt = 0
  private retry: unknown = null
  private stopped = false
  private closing: Promise<void> | null = null
  private state: SourceState = 'connecting'
  private lastError: string | null = null
  private lastRead: number | null = null
  private readonly rate: ReadRate
  private readonly context: IntakeContext
  private readonly timers: SourceTimers
  private readonly logger: Logger
  /** The driver being stopped before the next one starts. */
  private stopping: Promise<void> = Promise.resolve()

  constructor(
    readonly config: SourceConfig,
    private readonly deps: SourceDeps
  ) {
    this.rate = new ReadRate(deps.now)
    this.timers = deps.timers ?? REAL_TIMERS
    this.logger = deps.logger.child({ source: config.id })
    this.context = {
      transport: config.type,
      peer: config.type === 'modbus' ? `${config.host}:${config.port ?? 502}` : config.endpoint,
      device: config.device,
      identity: `source:${config.id}`
    }
  }

  get id(): string {
    return this.config.id
  }

  start(): void {
    if (this.stopped || this.driver !== null) return
    this.launch()
  }

  /** Its config (the password hidden) and health, for `GET /api/sources`. */
  status(origin: SourceStatus['origin']): SourceStatus {
    const config = structuredClone(this.config)
    if (config.type === 'opcua' && config.password !== undefined) config.password = HIDDEN_PASSWORD
    return { config, origin, ...this.condition() }
  }

  /** Its health alone, as the live topic `sources` carries it. */
  health(origin: SourceStatus['origin']): SourceHealth {
    const { id, type, device } = this.config
    return { id, type, device, origin, ...this.condition() }
  }

  /** How it stands: what its status and its health both carry. */
  private condition(): Pick<SourceStatus, 'state' | 'lastError' | 'lastRead' | 'readsPerSec'> {
    return {
      state: this.state,
      lastError: this.lastError,
      lastRead: this.lastRead,
      readsPerSec: this.rate.perSecond()
    }
  }

  get currentState(): SourceState {
    return this.state
  }

  /** Stops its driver and any retry; nothing it does afterwards is taken. Never rejects. */
  stop(): Promise<void> {
    this.closing ??= this.stopOnce()
    return this.closing
  }

  private async stopOnce(): Promise<void> {
    this.stopped = true
    this.generation++
    if (this.retry !== null) this.timers.clearTimeout(this.retry)
    this.retry = null
    const driver = this.driver
    this.driver = null
    await this.stopping
    await this.stopDriver(driver)
  }

  private launch(): void {
    const generation = ++this.generation
    const current = (): boolean => generation === this.generation && !this.stopped
    this.state = 'connecting'
    try {
      const driver = this.deps.drivers[this.config.type](
        // Each factory takes its own type's config: the table is indexed by the config's type.
        this.config as never,
        {
          reading: (values, at) => {
            if (current()) this.guarded(() => this.onReading(values, at))
          },
          state: (state, error) => {
            if (current()) this.guarded(() => this.onState(state, error))
          }
        },
        { logger: this.logger, now: this.deps.now }
      )
      // It failed while being made (an event from its factory): it is not the one to run.
      if (!current()) {
        void this.stopDriver(driver)
        return
      }
      this.driver = driver
      driver.start()
    } catch (error) {
      if (current()) this.fail(describeError(error))
    }
  }

  /** What goes wrong in handling an event is this source's failure, never the driver's caller's. */
  private guarded(handle: () => void): void {
    try {
      handle()
    } catch (error) {
      this.fail(describeError(error))
    }
  }

  private onState(state: SourceState, error?: string): void {
    if (state === 'error') {
      this.fail(error === undefined || error === '' ? 'the driver failed, saying no more' : error)
      return
    }
    if (state === 'connected' && this.state !== 'connected')
      this.logger.info({ device: this.config.device }, 'source connected')
    this.state = state
    // A driver that carries on despite a failure says why with its state (OPC UA's `connecting`
    // while node-opcua re-establishes a lost connection): that is the source's last error until
    // a reading is stored again. A state without words leaves the last one standing.
    if (error !== undefined && error !== '') this.lastError = error
  }

  private onReading(values: SourceReading, at: number): void {
    // The store's queue is full: a poll is a snapshot, and the next one is as good, so this one
    // is dropped rather than queued behind what devices sent.
    if (this.deps.intake.saturated) return
    const document: Record<string, unknown> = { device: this.config.device, ...values }
    this.deps.intake.submitDocument(
      document,
      this.context,
      (reply) => this.guarded(() => this.onAnswer(reply)),
      Number.isFinite(at) ? at : undefined
    )
  }

  private onAnswer(reply: IngestReply | null): void {
    if (reply === null || 'ack' in reply) {
      this.lastRead = this.deps.now()
      this.rate.record()
      this.lastError = null
      this.attempt = 0 // it works: the next failure starts the backoff again from the start
      return
    }
    const message = `a reading was refused (${reply.error}): ${reply.message}`
    if (this.lastError !== message) this.logger.warn({ reason: message }, 'source reading refused')
    this.lastError = message
  }

  private fail(reason: string): void {
    if (this.stopped) return
    this.state = 'error'
    this.lastError = reason
    this.generation++ // the failed driver's further events are not taken
    const driver = this.driver
    this.driver = null
    this.stopping = this.stopDriver(driver)
    const delay = this.nextDelay()
    this.logger.warn({ reason, retryInMs: delay }, 'source failed; it is tried again')
    if (this.retry !== null) this.timers.clearTimeout(this.retry)
    this.retry = this.timers.setTimeout(() => {
      this.retry = null
      void this.stopping.then(() => {
        if (!this.stopped && this.driver === null) this.launch()
      })
    }, delay)
  }

  private nextDelay(): number {
    const { initialMs = 1000, maxMs = 60_000, jitter = true } = this.deps.backoff ?? {}
    const random = this.deps.backoff?.random ?? Math.random
    const full = Math.min(maxMs, initialMs * 2 ** Math.min(this.attempt, 30))
    this.attempt++
    return Math.round(jitter ? full * (0.5 + random() / 2) : full)
  }

  private async stopDriver(driver: SourceDriver | null): Promise<void> {
    if (driver === null) return
    try {
      await driver.stop()
    } catch (error) {
      this.logger.warn({ reason: describeError(error) }, 'a source driver failed to stop')
    }
  }
}
