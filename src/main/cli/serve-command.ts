import { join } from 'node:path'

import { Command, Option } from 'commander'

import { ConfigError, resolveConfig, type ConsoleConfig } from '../core/config'
import { LookoutConsole } from '../core/console'
import { describeStartFailure } from '../core/runtime/start-failure'
import { createLogger, type LogLevel } from '../core/runtime/logger'
import { givenSettings, settingOptions } from './setting-options'
import { UsageError } from './usage-error'

/** How the CLI logs: its own options, not the console's settings. */
export interface LogOptions {
  logLevel: LogLevel
  logFormat: 'pretty' | 'json'
}

/** Runs a console on the resolved config; a spec gives its own to see what the CLI resolved. */
export type ServeRunner = (config: ConsoleConfig, log: LogOptions) => Promise<void>

export function serveCommand(run: ServeRunner = runServe): Command {
  const command = new Command('serve').description(
    'run the console headless: ingest on TCP, the HTTP API on the web port'
  )
  for (const option of settingOptions()) command.addOption(option)
  return command
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info')
        .env('LOOKOUT_LOG_LEVEL')
    )
    .addOption(
      new Option('--log-format <format>', 'log format on stderr')
        .choices(['pretty', 'json'])
        .default('pretty')
        .env('LOOKOUT_LOG_FORMAT')
    )
    .action(async (options: LogOptions, self: Command) => {
      let config
      try {
        // Only what was given: the config fills in every default, in its own units.
        config = resolveConfig(givenSettings(self))
      } catch (error) {
        if (error instanceof ConfigError) throw new UsageError(error.message)
        throw error
      }
      await run(config, options)
    })
}

async function runServe(config: ConsoleConfig, options: LogOptions): Promise<void> {
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
      web: config.webPort,
      mqtt: config.mqttPort,
      pickle: config.picklePort
    })
    throw new StartError(
      `cannot start: ${failure.message}${failure.hint === undefined ? '' : ` — ${failure.hint}`}`
    )
  }
  const out = process.stdout
  out.write(`Lookout console running\n`)
  // One line per transport; TCP's stays `ingest: host:port`, which scripts read.
  for (const { protocol, host, port } of addresses.transports)
    out.write(`ingest: ${protocol === 'tcp' ? '' : `${protocol}://`}${host}:${port}\n`)
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

/** A console that could not start; the CLI prints the message as one line and exits 1. */
export class StartError extends Error {}
