import { Writable } from 'node:stream'

import { describe, expect, it } from 'vitest'

import { createLogger } from '../../../../src/main/core/runtime/logger'

/** The console's own logger, its JSON lines kept as text. */
function capture() {
  const lines: string[] = []
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean))
      done()
    }
  })
  const logger = createLogger({ level: 'info', format: 'json', destination })
  return { logger, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, any>) }
}

describe('createLogger', () => {
  it('escapes format and control characters in every string it logs', () => {
    const { logger, lines, parsed } = capture()
    logger
      .child({ ns: 'ingest', device: '\u202eexe.txt' })
      .warn(
        { uid: 'p\u200b1', nested: { ids: ['a\u2066b', 'ok'] } },
        'device %s offline',
        'x\u202ey'
      )
    const [line] = parsed()
    expect(line).toMatchObject({
      device: '\\u202eexe.txt',
      uid: 'p\\u200b1',
      nested: { ids: ['a\\u2066b', 'ok'] },
      msg: 'device x\\u202ey offline'
    })
    expect(lines[0]).not.toMatch(/[\u202e\u200b\u2066]/)
  })

  it('escapes them in an error’s message and stack, keeping the stack’s own line breaks', () => {
    const { logger, parsed } = capture()
    logger.error({ err: new Error('no device \u202eevil\nforged line') }, 'failed')
    const { err } = parsed()[0]!
    expect(err.message).toBe('no device \\u202eevil\\u000aforged line')
    expect(err.stack.split('\n')[0]).toBe('Error: no device \\u202eevil\\u000aforged line')
    expect(err.stack.split('\n').length).toBeGreaterThan(1)
  })

  it('leaves ordinary lines as they are and still blanks secrets', () => {
    const { logger, parsed } = capture()
    logger.info({ device: 'Kessel-Ü2', auth: 'tok-123', reports: 3 }, 'stored')
    expect(parsed()[0]).toMatchObject({
      device: 'Kessel-Ü2',
      auth: '[secret]',
      reports: 3,
      msg: 'stored'
    })
  })
})
