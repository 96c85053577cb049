import { Writable } from 'node:stream'

import pino from 'pino'

import type { Logger } from '../../src/main/core/runtime/logger'

export interface LogLine {
  level: number
  msg: string
  [field: string]: unknown
}

/** A real pino logger whose JSON lines are kept in `lines`, parsed, for a spec to read. */
export function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n'))
        if (text !== '') lines.push(JSON.parse(text) as LogLine)
      done()
    }
  })
  // sync: a line is in `lines` as soon as the call that logged it returns.
  const logger = pino({ level: 'trace' }, sink)
  return { logger, lines }
}
