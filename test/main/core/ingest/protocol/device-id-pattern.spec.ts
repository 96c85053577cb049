import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'

import { deviceIdPattern } from '../../../../../src/main/core/ingest/protocol/device-id-pattern'
import { consoleFixture } from '../../../../support/console'
import { reportOnce } from '../../../../support/line-client'

const consoles = consoleFixture()
afterEach(() => consoles.cleanup())

/** What the patterns mean, as a regular expression: right, but exponential on some inputs. */
function reference(pattern: string): RegExp {
  let source = ''
  for (const char of pattern) {
    if (char === '*') source += '.*'
    else if (char === '?') source += '.'
    else source += char.replace(/[\\^$.|+()[\]{}]/g, '\\$&')
  }
  return new RegExp(`^${source}$`, 'su')
}

describe('device id patterns', () => {
  it('match `*` as any run and `?` as one character, everything else literally', () => {
    expect(deviceIdPattern('plc-*').test('plc-hall/2')).toBe(true)
    expect(deviceIdPattern('plc-*').test('xplc-1')).toBe(false)
    expect(deviceIdPattern('line-?').test('line-1')).toBe(true)
    expect(deviceIdPattern('line-?').test('line-12')).toBe(false)
    expect(deviceIdPattern('a.b+(c)').test('a.b+(c)')).toBe(true)
    expect(deviceIdPattern('a.b').test('axb')).toBe(false)
    expect(deviceIdPattern('*-1').test('pump-1')).toBe(true)
    expect(deviceIdPattern('a*a').test('a')).toBe(false)
    expect(deviceIdPattern('*').test('')).toBe(true)
    expect(deviceIdPattern('temp-?').test('temp-😀')).toBe(true) // one character, two code units
  })

  it('agree with the regular expression they replace on any pattern and id', () => {
    // A small alphabet, so that stars, marks and letters meet often.
    const text = (max: number) =>
      fc.string({ unit: fc.constantFrom('a', 'b', '-', '😀'), maxLength: max })
    const pattern = fc.string({
      unit: fc.constantFrom('a', 'b', '-', '*', '?', '😀'),
      maxLength: 8
    })
    fc.assert(
      fc.property(pattern, text(12), (p, id) => {
        expect(deviceIdPattern(p).test(id)).toBe(reference(p).test(id))
      }),
      { numRuns: 3000 }
    )
  })

  it('answer a pattern built to backtrack at once: the console keeps serving', async () => {
    // With `.*` runs in a RegExp this id took 50 s against this pattern, blocking the console.
    const dir = await consoles.dirs.make()
    const file = join(dir, 'tokens.json')
    await writeFile(
      file,
      JSON.stringify({
        'tok-backtrack-123456': { identity: 'evil', devices: '*a*a*a*a*a*a*a*b' },
        'tok-honest-12345678': 'line-1'
      })
    )
    const c = await consoles.start({ deviceTokensFile: file })
    const port = c.addresses.ingest.port
    const evil = reportOnce(port, { device: 'a'.repeat(128), seq: 1, auth: 'tok-backtrack-123456' })
    const honest = reportOnce(port, { device: 'pump-1', seq: 7, auth: 'tok-honest-12345678' })
    expect(await evil).toMatchObject({ error: 'unauthorized', seq: 1 })
    expect(await honest).toEqual({ ack: 7 })
  })
})
