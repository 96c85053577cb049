import type { Logger } from '../runtime/logger'
import type {
  ModbusSourceConfig,
  OpcuaSourceConfig,
  SourceConfig,
  SourceDriverEvents
} from '../../../shared/source-types'

/**
 * One protocol's poller for one source (sources/modbus/, sources/opcua/). The `Source` around it
 * owns everything else: readings → reports through the intake, health, and when to start again.
 *
 * A driver's own job: connect, read, hand readings to `events.reading`, and say how it stands
 * through `events.state`:
 * - `connecting` while it connects (or reconnects on its own, as OPC UA's client does, then
 *   with what failed in words: the source shows them as `lastError` until it reads again);
 * - `connected` once it is connected and reading;
 * - `error` with the failure in words (`connect ECONNREFUSED 10.0.0.7:502`) when it has given
 *   up. The source then calls `stop()` and, after a backoff (exponential, capped), makes a fresh
 *   driver with the factory and starts it; so a driver need not retry itself at all.
 * A driver that throws (from the factory, `start()` or an event) counts as `error` with the
 * thrown message; it never reaches another source or ingest. Events after `stop()` are ignored.
 */
export interface SourceDriver {
  /** Begins connecting and reading; returns at once (failures arrive through `events.state`). */
  start(): void
  /** Closes the connection and any timers; no event is emitted once this resolves. Never rejects. */
  stop(): Promise<void>
}

export interface SourceDriverOptions {
  logger: Logger
  /** The console's clock: what a reading is stamped with. */
  now: () => number
}

/** Makes a driver for one source's config: each protocol module exports one of these. */
export type SourceDriverFactory<C extends SourceConfig = SourceConfig> = (
  config: C,
  events: SourceDriverEvents,
  options: SourceDriverOptions
) => SourceDriver

export type ModbusDriverFactory = SourceDriverFactory<ModbusSourceConfig>
/** What sources/opcua/ exports as `createOpcuaDriver`. */
export type OpcuaDriverFactory = SourceDriverFactory<OpcuaSourceConfig>

/** One factory per source type: the service picks the driver by `config.type`. */
export interface SourceDriverFactories {
  modbus: ModbusDriverFactory
  opcua: OpcuaDriverFactory
}
