import pino, { type Logger } from 'pino'
import pretty from 'pino-pretty'

export type { Logger }

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

export interface LoggerOptions {
  level: LogLevel
  /** 'pretty' for people at a terminal, 'json' for log collectors. */
  format: 'pretty' | 'json'
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
  const base = { level: options.level, redact: { paths: REDACT_PATHS, censor: '[secret]' } }
  if (options.format === 'json') return pino(base, pino.destination({ fd: 2, sync: true }))
  const stream = pretty({
    destination: 2,
    sync: true,
    colorize: process.stderr.isTTY === true,
    ignore: 'pid,hostname,ns',
    messageFormat: '{if ns}[{ns}] {end}{msg}',
    translateTime: 'SYS:HH:MM:ss.l',
    singleLine: true
  })
  return pino(base, stream)
}

/** A logger that drops everything, for tests and embedders that bring no logger. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}
