import { z } from 'zod'

import { INGEST_LIMITS } from '../../shared/ingest-protocol'
import { defaultDataDir } from './runtime/data-dir'

const port = z.number().int().min(0).max(65535)

/**
 * Everything a console needs to start. The CLI and the Electron shell both build one of these;
 * the schema is the single place defaults and bounds live.
 */
export const consoleConfigSchema = z
  .object({
    host: z.string().min(1).default('0.0.0.0'),
    ingestPort: port.default(9800),
    webPort: port.default(9801),
    dataDir: z
      .string()
      .min(1)
      .default(() => defaultDataDir()),
    /** The access key; generated on first run and kept in the data dir when not given. */
    accessKey: z.string().min(16, 'the access key must be at least 16 characters').optional(),
    /** The read-only key of remote viewers; generated on first run and kept in the data dir. */
    viewKey: z.string().min(16, 'the view key must be at least 16 characters').optional(),
    /** When set, push clients must present it to connect to /push. */
    pushKey: z.string().min(8, 'the push key must be at least 8 characters').optional(),
    /** Fixed time without reports after which a device is offline; default: 3× its interval, ≥ 10 s. */
    offlineAfterMs: z.number().int().min(1000).optional(),
    /** How long a message waits for an offline push client. */
    pushTtlMs: z
      .number()
      .int()
      .min(1000)
      .default(24 * 3_600_000),
    /**
     * Web pages of other origins allowed to open Socket.IO connections (`http://host:port`). A
     * connection with an `Origin` header is let in only from the console's own page or these;
     * clients that send none (devices, scripts, apps) are not affected.
     */
    allowedOrigins: z
      .array(
        z
          .url({
            protocol: /^https?$/,
            error: 'must be a web origin such as http://wall.plant:8080'
          })
          .transform((u) => new URL(u).origin)
      )
      .default([]),
    /**
     * Host names (or addresses) besides the console's own that a request's `Host` may name: the
     * name a reverse proxy, a port mapping or DNS gives it. Others are refused with 421, against
     * DNS rebinding.
     */
    allowedHosts: z
      .array(
        z
          .string()
          .regex(
            /^(\[[0-9a-fA-F:.]+\]|[0-9a-fA-F]*:[0-9a-fA-F:.]+|[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?)$/,
            'must be a host name or an IP address, without scheme or port, such as lookout.plant'
          )
      )
      .default([]),
    /** JSON or YAML file of device tokens; when set, every report needs a valid `auth`. */
    deviceTokensFile: z.string().min(1).optional(),
    /** Device connections in all, and from one address (this machine's own is exempt). */
    maxConnections: z.number().int().min(1).max(100_000).default(2000),
    maxConnectionsPerAddress: z.number().int().min(1).max(100_000).default(64),
    /** `/push` clients connected at once. */
    maxPushClients: z.number().int().min(1).max(100_000).default(5000),
    /** Largest HTTP request body (POST /api/messages). */
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024)
      .default(64 * 1024),
    /**
     * Distinct device ids known at once; a report of a new one beyond it is refused
     * (`too_many_devices`) until retention forgets a device. Every viewer's snapshot holds them all.
     */
    maxDevices: z.number().int().min(1).max(100_000).default(10_000),
    /** `/live` viewers at once. */
    maxViewers: z.number().int().min(1).max(10_000).default(200),
    /**
     * Least time between two live `reports` emits under load: the longer, the less each viewer
     * costs; the shorter, the sooner a report is on screen (a report waits up to this long).
     */
    liveIntervalMs: z.number().int().min(10).max(1000).default(50),
    /** A device connection that sends nothing for this long is closed. */
    idleTimeoutMs: z
      .number()
      .int()
      .min(1000)
      .default(15 * 60_000),
    maxLineBytes: z
      .number()
      .int()
      .min(256)
      .max(16 * 1024 * 1024)
      .default(INGEST_LIMITS.maxLineBytes),
    /** A partition is closed (and leaves memory) once it holds this many reports. */
    partitionMaxReports: z.number().int().min(100).max(1_000_000).default(50_000),
    /** Reports older than this are deleted, a whole partition at a time. */
    retentionDays: z.number().positive().max(36_500).default(30),
    /** The oldest partitions are deleted while more reports than this are kept. */
    retentionReports: z.number().int().min(1000).default(10_000_000),
    /** Closed partitions kept open in memory for history queries. */
    openPartitionCache: z.number().int().min(0).max(16).default(1)
  })
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
