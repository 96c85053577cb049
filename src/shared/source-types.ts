/**
 * The sources contract (docs/sources.md is the prose version): the pollers that read devices
 * which cannot send JSON lines — Modbus TCP registers, OPC UA nodes — configured in the console
 * (`/api/sources`, the Sources dialog) or in a file (`--sources FILE`, `{ "sources": [ … ] }`).
 * The names are the issue's and the docs': scripts depend on them.
 */

/** Where a source stands: reading, trying to (first connect or a retry), or failing. */
export const SOURCE_STATES = ['connected', 'connecting', 'error'] as const
export type SourceState = (typeof SOURCE_STATES)[number]

export const MODBUS_REGISTER_KINDS = ['holding', 'input', 'coil', 'discrete'] as const
export type ModbusRegisterKind = (typeof MODBUS_REGISTER_KINDS)[number]

/** How a register's words make a number; `coil` and `discrete` are booleans and take none. */
export const MODBUS_VALUE_TYPES = ['int16', 'uint16', 'int32', 'uint32', 'float32'] as const
export type ModbusValueType = (typeof MODBUS_VALUE_TYPES)[number]

/** One register (or coil) read into one field: `value × scale + offset`. */
export interface ModbusRegister {
  field: string
  kind: ModbusRegisterKind
  /** Zero-based, as on the wire (register 40001 is holding address 0). */
  address: number
  /** For `holding` and `input`; `uint16` when not given. */
  type?: ModbusValueType
  /** For 32-bit types: `big` (high word first, the default) or `little`. */
  wordOrder?: 'big' | 'little'
  scale?: number
  offset?: number
}

export interface ModbusSourceConfig {
  id: string
  type: 'modbus'
  /** The device id its reports carry. */
  device: string
  host: string
  /** 502 when not given. */
  port?: number
  /** 1 when not given. */
  unitId?: number
  /** How often the registers are read; 1,000 ms when not given. */
  intervalMs?: number
  registers: ModbusRegister[]
}

/** One OPC UA node watched into one field, sampled by the server every `samplingMs`. */
export interface OpcuaNode {
  field: string
  nodeId: string
  /** 1,000 ms when not given. */
  samplingMs?: number
}

export const OPCUA_SECURITY_MODES = ['None', 'Sign', 'SignAndEncrypt'] as const
export type OpcuaSecurityMode = (typeof OPCUA_SECURITY_MODES)[number]

export const OPCUA_SECURITY_POLICIES = [
  'None',
  'Basic256Sha256',
  'Aes128_Sha256_RsaOaep',
  'Aes256_Sha256_RsaPss'
] as const
export type OpcuaSecurityPolicy = (typeof OPCUA_SECURITY_POLICIES)[number]

export interface OpcuaSourceConfig {
  id: string
  type: 'opcua'
  device: string
  /** `opc.tcp://host:port/path`. */
  endpoint: string
  /** `None` when not given. */
  securityMode?: OpcuaSecurityMode
  /** `None` when not given. */
  securityPolicy?: OpcuaSecurityPolicy
  /** Anonymous when not given. */
  user?: string
  password?: string
  nodes: OpcuaNode[]
}

export type SourceConfig = ModbusSourceConfig | OpcuaSourceConfig
export type SourceType = SourceConfig['type']

/** What `GET /api/sources` answers for each source: its config and its health. */
export interface SourceStatus {
  /** The config as given, the OPC UA password replaced by `"…"` (never shown back). */
  config: SourceConfig
  /** `console` (made in the UI or the API) or `file` (the sources file: read-only here). */
  origin: 'console' | 'file'
  state: SourceState
  /** The last failure in words (`connect ECONNREFUSED 10.0.0.7:502`), null once it reads again. */
  lastError: string | null
  /** When its last reading was stored (epoch ms), null before the first. */
  lastRead: number | null
  /** Readings stored per second, over the last minute (since it started, in its first minute). */
  readsPerSec: number
}

/**
 * A source's health without its config, as the live topic `sources` carries it (small enough to
 * send every second for 200 sources; the config is asked for with `sources()` when needed).
 */
export interface SourceHealth extends Pick<
  SourceStatus,
  'origin' | 'state' | 'lastError' | 'lastRead' | 'readsPerSec'
> {
  id: string
  type: SourceType
  device: string
}

/** What a driver hands its source: one reading, field → value, as the device's next report. */
export type SourceReading = Record<string, number | boolean | string>

/**
 * What a source's driver (one per protocol: sources/modbus/, sources/opcua/) is given: where to
 * send readings and how it stands. The source around it turns readings into reports through the
 * intake (submitDocument), keeps the health `/api/sources` shows, and retries with backoff.
 */
export interface SourceDriverEvents {
  /** A reading, taken at `at` (epoch ms). */
  reading(values: SourceReading, at: number): void
  /**
   * Its connection changed: `error` with the failure in words. Words with another state say what
   * failed while the driver carries on (OPC UA reconnecting after a lost connection).
   */
  state(state: SourceState, error?: string): void
}
