import { z } from 'zod'

import { STREAM_LIMITS } from '../../shared/history-types'
import { INGEST_LIMITS } from '../../shared/ingest-protocol'
import { defaultDataDir } from './runtime/data-dir'

/**
 * The unit people give a duration in, on the command line and in the environment. The config
 * keeps durations in milliseconds (the keys ending in `Ms`), and the retention in days.
 */
export type SettingUnit = 's' | 'ms' | 'days'

/** How many of the config's units one of the user's is: the one conversion of every setting. */
export const CONFIG_UNITS_PER: Record<SettingUnit, number> = { s: 1000, ms: 1, days: 1 }

/** In the config's unit: `min` and `max` inclusive, `above` exclusive. */
export interface SettingBounds {
  min?: number
  above?: number
  max?: number
}

/** What a setting's value is, which says how text given for it is read. */
export type SettingKind = 'port' | 'whole' | 'decimal' | 'text' | 'list'

/**
 * One row of the settings table. The CLI makes its options from these rows (flag, env var, the
 * default shown in the flag's unit) and the config's schema is made of their checks, so a
 * default or a bound is written once.
 */
export interface Setting<S extends z.ZodType = z.ZodType> {
  kind: SettingKind
  /** The flag and the name of its value (`--ingest-port <port>`); none for settings only code sets. */
  flag?: string
  env?: string
  /** The unit of the flag and the env var, when it is not the config's. */
  unit?: SettingUnit
  /** In the config's unit, or how to find it on this machine; none when the setting is optional. */
  default?: unknown
  bounds?: SettingBounds
  /** What `lookout serve --help` says of it. */
  description: string
  /** The check the config applies, made from the row. */
  schema: S
}

interface Row {
  flag?: string
  env?: string
  description: string
}
interface NumberRow extends Row {
  unit?: SettingUnit
  bounds: SettingBounds
}

function numberSchema(integer: boolean, bounds: SettingBounds): z.ZodNumber {
  let schema = integer ? z.number().int() : z.number()
  if (bounds.min !== undefined) schema = schema.min(bounds.min)
  if (bounds.above !== undefined) schema = schema.gt(bounds.above)
  if (bounds.max !== undefined) schema = schema.max(bounds.max)
  return schema
}

function numeric(kind: 'port' | 'whole' | 'decimal', row: NumberRow & { default?: number }) {
  const schema = numberSchema(kind !== 'decimal', row.bounds)
  return {
    ...row,
    kind,
    schema: row.default === undefined ? schema.optional() : schema.default(row.default)
  }
}

function whole(row: NumberRow & { default: number }): Setting<z.ZodDefault<z.ZodNumber>>
function whole(row: NumberRow & { default?: undefined }): Setting<z.ZodOptional<z.ZodNumber>>
function whole(row: NumberRow & { default?: number }): Setting {
  return numeric('whole', row)
}

function decimal(row: NumberRow & { default: number }): Setting<z.ZodDefault<z.ZodNumber>> {
  return numeric('decimal', row) as Setting<z.ZodDefault<z.ZodNumber>>
}

function port(row: Row & { default: number }): Setting<z.ZodDefault<z.ZodNumber>> {
  return numeric('port', { ...row, bounds: { min: 0, max: 65535 } }) as Setting<
    z.ZodDefault<z.ZodNumber>
  >
}

function text(row: Row & { default: string | (() => string) }): Setting<z.ZodDefault<z.ZodString>>
function text(row: Row & { check?: z.ZodString }): Setting<z.ZodOptional<z.ZodString>>
function text(row: Row & { default?: string | (() => string); check?: z.ZodString }): Setting {
  const { check = z.string().min(1), ...rest } = row
  const fallback = row.default
  return {
    ...rest,
    kind: 'text',
    schema:
      fallback === undefined
        ? check.optional()
        : typeof fallback === 'function'
          ? check.default(fallback)
          : check.default(fallback)
  }
}

/** Comma-separated on the command line; none by default. */
function list<I extends z.ZodType>(row: Row & { item: I }): Setting<z.ZodDefault<z.ZodArray<I>>> {
  const { item, ...rest } = row
  return { ...rest, kind: 'list', default: [], schema: z.array(item).default([]) }
}

const hostName =
  /^(\[[0-9a-fA-F:.]+\]|[0-9a-fA-F]*:[0-9a-fA-F:.]+|[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?)$/

/**
 * Every setting of a console: its key in the config, its flag of `lookout serve` and its
 * environment variable, the unit people give it in, its default and bounds (in the config's
 * unit), and what it means. In the order `--help` lists them.
 */
export const SETTINGS = {
  host: text({
    flag: '--host <address>',
    env: 'LOOKOUT_HOST',
    default: '0.0.0.0',
    description: 'address to listen on'
  }),
  ingestPort: port({
    flag: '--ingest-port <port>',
    env: 'LOOKOUT_INGEST_PORT',
    default: 9800,
    description: 'TCP port devices report to (0: any free port)'
  }),
  /** The MQTT broker devices may publish reports to (ingest/mqtt/); none: no broker. */
  mqttPort: numeric('port', {
    flag: '--mqtt-port <port>',
    env: 'LOOKOUT_MQTT_PORT',
    bounds: { min: 0, max: 65535 },
    description:
      'MQTT port devices may publish reports to (default: none, no broker; 0: any free port)'
  }) as Setting<z.ZodOptional<z.ZodNumber>>,
  /** The legacy pickle reporter's port (ingest/pickle/); none: not listened on. */
  picklePort: numeric('port', {
    flag: '--pickle-port <port>',
    env: 'LOOKOUT_PICKLE_PORT',
    bounds: { min: 0, max: 65535 },
    description:
      'TCP port legacy Python devices send pickled dicts to (default: none, off; 0: any free port)'
  }) as Setting<z.ZodOptional<z.ZodNumber>>,
  webPort: port({
    flag: '--web-port <port>',
    env: 'LOOKOUT_WEB_PORT',
    default: 9801,
    description: 'HTTP port of the API and UI (0: any free port)'
  }),
  dataDir: text({
    flag: '--data-dir <dir>',
    env: 'LOOKOUT_DATA_DIR',
    // The folder Electron gives the desktop app, so both share one data dir.
    default: () => defaultDataDir(),
    description: 'where reports and keys are kept'
  }),
  /** The access key; generated on first run and kept in the data dir when not given. */
  accessKey: text({
    flag: '--key <key>',
    env: 'LOOKOUT_KEY',
    check: z.string().min(16, 'the access key must be at least 16 characters'),
    description:
      'the access key (default: generated on first run, kept in the data dir); a flag shows in ps: prefer LOOKOUT_KEY or the key file'
  }),
  /** The read-only key of remote viewers; generated on first run and kept in the data dir. */
  viewKey: text({
    flag: '--view-key <key>',
    env: 'LOOKOUT_VIEW_KEY',
    check: z.string().min(16, 'the view key must be at least 16 characters'),
    description: 'the read-only key of remote viewers (default: generated, kept in the data dir)'
  }),
  /** When set, push clients must present it to connect to /push. */
  pushKey: text({
    flag: '--push-key <key>',
    env: 'LOOKOUT_PUSH_KEY',
    check: z.string().min(8, 'the push key must be at least 8 characters'),
    description: 'a key push clients must present to connect (default: none)'
  }),
  /** Fixed time without reports after which a device is offline; default: 3× its interval, ≥ 10 s. */
  offlineAfterMs: whole({
    flag: '--offline-after <seconds>',
    env: 'LOOKOUT_OFFLINE_AFTER',
    unit: 's',
    bounds: { min: 1000 },
    description:
      'a device is offline after this long without reports (default: 3× its interval, at least 10)'
  }),
  /**
   * Web pages of other origins allowed to open Socket.IO connections (`http://host:port`). A
   * connection with an `Origin` header is let in only from the console's own page or these;
   * clients that send none (devices, scripts, apps) are not affected.
   */
  allowedOrigins: list({
    flag: '--allowed-origins <origins>',
    env: 'LOOKOUT_ALLOWED_ORIGINS',
    item: z
      .url({ protocol: /^https?$/, error: 'must be a web origin such as http://wall.plant:8080' })
      .transform((u) => new URL(u).origin),
    description:
      "comma-separated web origins (http://host:port) whose pages may connect to Socket.IO besides the console's own"
  }),
  /**
   * Host names (or addresses) besides the console's own that a request's `Host` may name: the
   * name a reverse proxy, a port mapping or DNS gives it. Others are refused with 421, against
   * DNS rebinding.
   */
  allowedHosts: list({
    flag: '--allowed-hosts <names>',
    env: 'LOOKOUT_ALLOWED_HOSTS',
    item: z
      .string()
      .regex(
        hostName,
        'must be a host name or an IP address, without scheme or port, such as lookout.plant'
      ),
    description:
      "comma-separated host names browsers may reach the console by besides its own (localhost, its addresses, its host name), e.g. a reverse proxy's; others get 421"
  }),
  /** How long a message waits for an offline push client. */
  pushTtlMs: whole({
    flag: '--push-ttl <seconds>',
    env: 'LOOKOUT_PUSH_TTL',
    unit: 's',
    default: 24 * 3_600_000,
    bounds: { min: 1000 },
    description: 'how long a message waits for an offline push client'
  }),
  /** JSON or YAML file of device tokens; when set, every report needs a valid `auth`. */
  deviceTokensFile: text({
    flag: '--device-tokens <file>',
    env: 'LOOKOUT_DEVICE_TOKENS',
    description:
      'JSON or YAML file of device token → identity (re-read on change); reports then need a valid "auth"'
  }),
  /** JSON or YAML file of alarm rules (`{ "rules": [ … ] }`), re-read on change. */
  alarmRulesFile: text({
    flag: '--alarm-rules <file>',
    env: 'LOOKOUT_ALARM_RULES',
    description:
      'JSON or YAML file of alarm rules ({ "rules": [ ... ] }, re-read on change), beside those made in the console'
  }),
  /** JSON or YAML file of sources (`{ "sources": [ … ] }`: Modbus TCP, OPC UA), re-read on change. */
  sourcesFile: text({
    flag: '--sources <file>',
    env: 'LOOKOUT_SOURCES',
    description:
      'JSON or YAML file of sources to poll ({ "sources": [ ... ] }: Modbus TCP, OPC UA; re-read on change), beside those made in the console'
  }),
  /** More alarms raised than this within the flood window is a flood (EEMUA 191: 10 in 10 minutes). */
  alarmFloodThreshold: whole({
    flag: '--alarm-flood <n>',
    env: 'LOOKOUT_ALARM_FLOOD',
    default: 10,
    bounds: { min: 1, max: 100_000 },
    description: 'more alarms raised than this within the flood window is a flood'
  }),
  alarmFloodWindowMs: whole({
    flag: '--alarm-flood-window <seconds>',
    env: 'LOOKOUT_ALARM_FLOOD_WINDOW',
    unit: 's',
    default: 600_000,
    bounds: { min: 1000, max: 86_400_000 },
    description: 'the window a flood is counted over'
  }),
  /** The longest an alarm may be shelved. */
  alarmMaxShelveMs: whole({
    flag: '--alarm-max-shelve <seconds>',
    env: 'LOOKOUT_ALARM_MAX_SHELVE',
    unit: 's',
    default: 8 * 3_600_000,
    bounds: { min: 60_000, max: 30 * 86_400_000 },
    description: 'the longest an alarm may be shelved'
  }),
  maxAlarmRules: whole({
    flag: '--max-alarm-rules <n>',
    env: 'LOOKOUT_MAX_ALARM_RULES',
    default: 2000,
    bounds: { min: 1, max: 100_000 },
    description: 'alarm rules in force, from the console and the file together'
  }),
  /** Alarms not normal (or with a delay running) held at once; beyond, new ones are counted, not raised. */
  maxAlarms: whole({
    flag: '--max-alarms <n>',
    env: 'LOOKOUT_MAX_ALARMS',
    default: 20_000,
    bounds: { min: 10, max: 1_000_000 },
    description: 'alarms held at once (not normal, or a delay running)'
  }),
  maxConnections: whole({
    flag: '--max-connections <n>',
    env: 'LOOKOUT_MAX_CONNECTIONS',
    default: 2000,
    bounds: { min: 1, max: 100_000 },
    description: 'device connections in all'
  }),
  maxConnectionsPerAddress: whole({
    flag: '--max-connections-per-address <n>',
    env: 'LOOKOUT_MAX_CONNECTIONS_PER_ADDRESS',
    default: 64,
    bounds: { min: 1, max: 100_000 },
    description: 'device connections from one address (this machine is exempt)'
  }),
  /** A device connection that sends nothing for this long is closed. */
  idleTimeoutMs: whole({
    flag: '--idle-timeout <seconds>',
    env: 'LOOKOUT_IDLE_TIMEOUT',
    unit: 's',
    default: 15 * 60_000,
    bounds: { min: 1000 },
    description: 'close a device connection that sends nothing for this long'
  }),
  maxViewers: whole({
    flag: '--max-viewers <n>',
    env: 'LOOKOUT_MAX_VIEWERS',
    default: 200,
    bounds: { min: 1, max: 10_000 },
    description: '/live viewers at once'
  }),
  maxStreams: whole({
    flag: '--max-streams <n>',
    env: 'LOOKOUT_MAX_STREAMS',
    default: STREAM_LIMITS.defaultMaxStreams,
    bounds: { min: 1, max: 10_000 },
    description: '/stream connections at once (the lossless report stream for integrations)'
  }),
  /**
   * Distinct device ids known at once; a report of a new one beyond it is refused
   * (`too_many_devices`) until retention forgets a device. Every viewer's snapshot holds them all.
   */
  maxDevices: whole({
    flag: '--max-devices <n>',
    env: 'LOOKOUT_MAX_DEVICES',
    default: 10_000,
    bounds: { min: 1, max: 100_000 },
    description: 'distinct device ids known at once; reports of new ones beyond it are refused'
  }),
  /**
   * Least time between two live `reports` emits under load: the longer, the less each viewer
   * costs; the shorter, the sooner a report is on screen (a report waits up to this long).
   */
  liveIntervalMs: whole({
    flag: '--live-interval <ms>',
    env: 'LOOKOUT_LIVE_INTERVAL',
    unit: 'ms',
    default: 50,
    bounds: { min: 10, max: 1000 },
    description:
      'least time between two live report batches while the console is busy (shorter: sooner on screen; longer: cheaper per viewer); otherwise 16 ms'
  }),
  maxPushClients: whole({
    flag: '--max-push-clients <n>',
    env: 'LOOKOUT_MAX_PUSH_CLIENTS',
    default: 5000,
    bounds: { min: 1, max: 100_000 },
    description: '/push clients connected at once'
  }),
  /** Largest HTTP request body (POST /api/messages). */
  maxBodyBytes: whole({
    flag: '--max-body-bytes <n>',
    env: 'LOOKOUT_MAX_BODY_BYTES',
    default: 64 * 1024,
    bounds: { min: 1024, max: 16 * 1024 * 1024 },
    description: 'largest HTTP request body'
  }),
  maxLineBytes: whole({
    flag: '--max-line-bytes <n>',
    env: 'LOOKOUT_MAX_LINE_BYTES',
    default: INGEST_LIMITS.maxLineBytes,
    bounds: { min: 256, max: 16 * 1024 * 1024 },
    description: 'longest report line accepted'
  }),
  /** A partition is closed (and leaves memory) once it holds this many reports. */
  partitionMaxReports: whole({
    flag: '--partition-size <n>',
    env: 'LOOKOUT_PARTITION_SIZE',
    default: 50_000,
    bounds: { min: 100, max: 1_000_000 },
    description: 'reports per store partition (the most kept in memory)'
  }),
  /** Reports older than this are deleted, a whole partition at a time. */
  retentionDays: decimal({
    flag: '--retention-days <days>',
    env: 'LOOKOUT_RETENTION_DAYS',
    unit: 'days',
    default: 30,
    bounds: { above: 0, max: 36_500 },
    description: 'delete reports older than this'
  }),
  /** The oldest partitions are deleted while more reports than this are kept. */
  retentionReports: whole({
    flag: '--retention-reports <n>',
    env: 'LOOKOUT_RETENTION_REPORTS',
    default: 10_000_000,
    bounds: { min: 1000 },
    description: 'keep at most this many reports'
  }),
  /** Closed partitions kept open in memory for history queries. */
  openPartitionCache: whole({
    default: 1,
    bounds: { min: 0, max: 16 },
    description: 'closed partitions kept open in memory for history queries'
  })
}

type ConfigShape = { [K in keyof typeof SETTINGS]: (typeof SETTINGS)[K]['schema'] }

function shapeOf(settings: typeof SETTINGS): ConfigShape {
  return Object.fromEntries(
    Object.entries(settings).map(([key, setting]) => [key, setting.schema])
  ) as ConfigShape
}

/**
 * Everything a console needs to start. The CLI and the Electron shell both build one of these;
 * the settings table above is the single place defaults and bounds live.
 */
export const consoleConfigSchema = z
  .object(shapeOf(SETTINGS))
  .refine((c) => c.accessKey === undefined || c.accessKey !== c.viewKey, {
    message: 'the view key must differ from the access key',
    path: ['viewKey']
  })
  .refine((c) => c.retentionReports >= 2 * c.partitionMaxReports, {
    // Fewer would delete each partition as soon as it closes, and with it the dedup window's
    // memory across a restart.
    message: 'the retention count must be at least twice the partition size',
    path: ['retentionReports']
  })

export type ConsoleConfig = z.output<typeof consoleConfigSchema>
export type ConsoleConfigInput = z.input<typeof consoleConfigSchema>

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Fills defaults and checks bounds; throws a ConfigError whose message names the bad setting. */
export function resolveConfig(input: ConsoleConfigInput = {}): ConsoleConfig {
  const result = consoleConfigSchema.safeParse(input)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  throw new ConfigError(`${issue?.path.join('.') ?? 'config'}: ${issue?.message ?? 'invalid'}`)
}
