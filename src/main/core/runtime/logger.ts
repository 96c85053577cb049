import pino, { type DestinationStream, type Logger } from 'pino'
import pretty from 'pino-pretty'

import { escapeLogged, escapeLoggedError } from './log-escape'

export type { Logger }

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

export interface LoggerOptions {
  level: LogLevel
  /** 'pretty' for people at a terminal, 'json' for log collectors. */
  format: 'pretty' | 'json'
  /** Where JSON lines go instead of stderr (`format: 'json'` only): for specs that read them. */
  destination?: DestinationStream
}

// Defence in depth: no code path is meant to log a secret, but if one ever does, pino blanks it.
const REDACT_PATHS = [
  'key',
  'accessKey',
  'auth',
  'token',
  '*.key',
  '*.accessKey',
  '*.auth',
  '*.token'
]

/**
 * The one logger of a console process. Modules take a child with their namespace
 * (`logger.child({ ns: 'ingest' })`). Logs go to stderr so stdout stays for the CLI's own output.
 */
export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level,
    redact: { paths: REDACT_PATHS, censor: '[secret]' },
    // Every string of a line — message, fields, a child's bindings, an error — has its format
    // and control characters escaped: an id can never reverse, hide or break a log line.
    formatters: { log: escapeLogged },
    serializers: {
      msg: escapeLogged,
      err: (error: unknown) => escapeLoggedError(pino.stdSerializers.err(error as Error))
    }
  }
  if (options.format === 'json')
    return escapingBindings(
      pino(base, options.destination ?? pino.destination({ fd: 2, sync: true }))
    )
  const stream = pretty({
    destination: 2,
    sync: true,
    colorize: process.stderr.isTTY === true,
    ignore: 'pid,hostname,ns',
    messageFormat: '{if ns}[{ns}] {end}{msg}',
    translateTime: 'SYS:HH:MM:ss.l',
    singleLine: true
  })
  return escapingBindings(pino(base, stream))
}

/**
 * Escapes the bindings of every child to come (`logger.child({ device })`). pino applies
 * `formatters.bindings` to the root's bindings only, so the root's `child` is wrapped instead;
 * children inherit it, being made from their parent by prototype.
 */
function escapingBindings(root: Logger): Logger {
  const makeChild = root.child
  root.child = function (this: Logger, bindings, options) {
    return makeChild.call(this, escapeLogged(bindings), options)
  } as Logger['child']
  return root
}

/** A logger that drops everything, for tests and embedders that bring no logger. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}
