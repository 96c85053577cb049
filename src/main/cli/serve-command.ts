import { join } from 'node:path'

import { Command, Option } from 'commander'

import { ConfigError, resolveConfig } from '../core/config'
import { LookoutConsole } from '../core/console'
import { describeStartFailure } from '../core/runtime/start-failure'
import { defaultDataDir } from '../core/runtime/data-dir'
import { createLogger, type LogLevel } from '../core/runtime/logger'
import {
  parseNonNegativeInt,
  parsePort,
  parsePositiveInt,
  parsePositiveNumber
} from './option-parsers'
import { UsageError } from './usage-error'

interface ServeOptions {
  host: string
  ingestPort: number
  webPort: number
  dataDir: string
  key?: string
  viewKey?: string
  pushKey?: string
  allowedOrigins?: string[]
  allowedHosts?: string[]
  offlineAfter?: number
  pushTtl: number
  deviceTokens?: string
  maxLineBytes: number
  maxConnections: number
  maxConnectionsPerAddress: number
  idleTimeout: number
  maxViewers: number
  maxDevices: number
  liveInterval: number
  maxPushClients: number
  maxBodyBytes: number
  partitionSize: number
  retentionDays: number
  retentionReports: number
  logLevel: LogLevel
  logFormat: 'pretty' | 'json'
}

const env = (name: string): string => `LOOKOUT_${name}`

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the console headless: ingest on TCP, the HTTP API on the web port')
    .addOption(
      new Option('--host <address>', 'address to listen on').default('0.0.0.0').env(env('HOST'))
    )
    .addOption(
      new Option('--ingest-port <port>', 'TCP port devices report to (0: any free port)')
        .default(9800)
        .argParser(parsePort)
        .env(env('INGEST_PORT'))
    )
    .addOption(
      new Option('--web-port <port>', 'HTTP port of the API and UI (0: any free port)')
        .default(9801)
        .argParser(parsePort)
        .env(env('WEB_PORT'))
    )
    .addOption(
      new Option('--data-dir <dir>', 'where reports and keys are kept')
        .default(defaultDataDir())
        .env(env('DATA_DIR'))
    )
    .addOption(
      new Option(
        '--key <key>',
        'the access key (default: generated on first run, kept in the data dir); a flag shows in ps: prefer LOOKOUT_KEY or the key file'
      ).env(env('KEY'))
    )
    .addOption(
      new Option(
        '--view-key <key>',
        'the read-only key of remote viewers (default: generated, kept in the data dir)'
      ).env(env('VIEW_KEY'))
    )
    .addOption(
      new Option(
        '--push-key <key>',
        'a key push clients must present to connect (default: none)'
      ).env(env('PUSH_KEY'))
    )
    .addOption(
      new Option(
        '--offline-after <seconds>',
        'a device is offline after this long without reports (default: 3× its interval, at least 10)'
      )
        .argParser(parsePositiveInt)
        .env(env('OFFLINE_AFTER'))
    )
    .addOption(
      new Option(
        '--allowed-origins <origins>',
        "comma-separated web origins (http://host:port) whose pages may connect to Socket.IO besides the console's own"
      )
        .argParser(commaList)
        .env(env('ALLOWED_ORIGINS'))
    )
    .addOption(
      new Option(
        '--allowed-hosts <names>',
        "comma-separated host names browsers may reach the console by besides its own (localhost, its addresses, its host name), e.g. a reverse proxy's; others get 421"
      )
        .argParser(commaList)
        .env(env('ALLOWED_HOSTS'))
    )
    .addOption(
      new Option('--push-ttl <seconds>', 'how long a message waits for an offline push client')
        .default(86_400)
        .argParser(parsePositiveInt)
        .env(env('PUSH_TTL'))
    )
    .addOption(
      new Option(
        '--device-tokens <file>',
        'JSON or YAML file of device token → identity (re-read on change); reports then need a valid "auth"'
      ).env(env('DEVICE_TOKENS'))
    )
    .addOption(
      new Option('--max-connections <n>', 'device connections in all')
        .default(2000)
        .argParser(parsePositiveInt)
        .env(env('MAX_CONNECTIONS'))
    )
    .addOption(
      new Option(
        '--max-connections-per-address <n>',
        'device connections from one address (this machine is exempt)'
      )
        .default(64)
        .argParser(parsePositiveInt)
        .env(env('MAX_CONNECTIONS_PER_ADDRESS'))
    )
    .addOption(
      new Option(
        '--idle-timeout <seconds>',
        'close a device connection that sends nothing for this long'
      )
        .default(900)
        .argParser(parsePositiveInt)
        .env(env('IDLE_TIMEOUT'))
    )
    .addOption(
      new Option('--max-viewers <n>', '/live viewers at once')
        .default(200)
        .argParser(parsePositiveInt)
        .env(env('MAX_VIEWERS'))
    )
    .addOption(
      new Option(
        '--max-devices <n>',
        'distinct device ids known at once; reports of new ones beyond it are refused'
      )
        .default(10_000)
        .argParser(parsePositiveInt)
        .env(env('MAX_DEVICES'))
    )
    .addOption(
      new Option(
        '--live-interval <ms>',
        'least time between two live report batches while the console is busy (shorter: sooner on screen; longer: cheaper per viewer); otherwise 16 ms'
      )
        .default(50)
        .argParser(parsePositiveInt)
        .env(env('LIVE_INTERVAL'))
    )
    .addOption(
      new Option('--max-push-clients <n>', '/push clients connected at once')
        .default(5000)
        .argParser(parsePositiveInt)
        .env(env('MAX_PUSH_CLIENTS'))
    )
    .addOption(
      new Option('--max-body-bytes <n>', 'largest HTTP request body')
        .default(64 * 1024)
        .argParser(parsePositiveInt)
        .env(env('MAX_BODY_BYTES'))
    )
    .addOption(
      new Option('--max-line-bytes <n>', 'longest report line accepted')
        .default(64 * 1024)
        .argParser(parsePositiveInt)
        .env(env('MAX_LINE_BYTES'))
    )
    .addOption(
      new Option('--partition-size <n>', 'reports per store partition (the most kept in memory)')
        .default(50_000)
        .argParser(parsePositiveInt)
        .env(env('PARTITION_SIZE'))
    )
    .addOption(
      new Option('--retention-days <days>', 'delete reports older than this')
        .default(30)
        .argParser(parsePositiveNumber)
        .env(env('RETENTION_DAYS'))
    )
    .addOption(
      new Option('--retention-reports <n>', 'keep at most this many reports')
        .default(10_000_000)
        .argParser(parseNonNegativeInt)
        .env(env('RETENTION_REPORTS'))
    )
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info')
        .env(env('LOG_LEVEL'))
    )
    .addOption(
      new Option('--log-format <format>', 'log format on stderr')
        .choices(['pretty', 'json'])
        .default('pretty')
        .env(env('LOG_FORMAT'))
    )
    .action(async (options: ServeOptions) => runServe(options))
}

async function runServe(options: ServeOptions): Promise<void> {
  let config
  try {
    config = resolveConfig({
      host: options.host,
      ingestPort: options.ingestPort,
      webPort: options.webPort,
      dataDir: options.dataDir,
      accessKey: options.key,
      viewKey: options.viewKey,
      pushKey: options.pushKey,
      offlineAfterMs: options.offlineAfter === undefined ? undefined : options.offlineAfter * 1000,
      pushTtlMs: options.pushTtl * 1000,
      allowedOrigins: options.allowedOrigins,
      allowedHosts: options.allowedHosts,
      deviceTokensFile: options.deviceTokens,
      maxLineBytes: options.maxLineBytes,
      maxConnections: options.maxConnections,
      maxConnectionsPerAddress: options.maxConnectionsPerAddress,
      idleTimeoutMs: options.idleTimeout * 1000,
      maxViewers: options.maxViewers,
      maxDevices: options.maxDevices,
      liveIntervalMs: options.liveInterval,
      maxPushClients: options.maxPushClients,
      maxBodyBytes: options.maxBodyBytes,
      partitionMaxReports: options.partitionSize,
      retentionDays: options.retentionDays,
      retentionReports: options.retentionReports
    })
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message)
    throw error
  }
  const logger = createLogger({ level: options.logLevel, format: options.logFormat })
  // The built UI sits beside the CLI's bundle (out/main/cli.js → out/renderer).
  const core = new LookoutConsole(config, { logger, uiDir: join(__dirname, '../renderer') })
  // Signals are caught from the start: one that arrives while the console starts (or while its
  // address lines are still being written) stops it as soon as it is up, never kills it midway.
  let requested: NodeJS.Signals | null = null
  let onSignal = (signal: NodeJS.Signals): void => {
    requested = signal
  }
  process.on('SIGINT', (signal) => onSignal(signal))
  process.on('SIGTERM', (signal) => onSignal(signal))
  let addresses
  try {
    addresses = await core.start()
  } catch (error) {
    const failure = describeStartFailure(error, {
      ingest: config.ingestPort,
      web: config.webPort
    })
    throw new StartError(
      `cannot start: ${failure.message}${failure.hint === undefined ? '' : ` — ${failure.hint}`}`
    )
  }
  const out = process.stdout
  out.write(`Lookout console running\n`)
  out.write(`ingest: ${addresses.ingest.host}:${addresses.ingest.port}\n`)
  out.write(`web: http://${addresses.web.host}:${addresses.web.port}\n`)
  out.write(`open: ${addresses.url}\n`)
  out.write(`view: ${addresses.viewUrl}\n`)
  out.write(`data: ${config.dataDir}\n`)

  await new Promise<void>((resolve) => {
    let stopping = false
    onSignal = (signal) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting without waiting')
        process.exit(1)
      }
      stopping = true
      logger.info({ signal }, 'stopping: flushing the store')
      void core.stop().then(resolve)
    }
    if (requested !== null) onSignal(requested)
  })
}

function commaList(text: string): string[] {
  return text
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '')
}

/** A console that could not start; the CLI prints the message as one line and exits 1. */
export class StartError extends Error {}
