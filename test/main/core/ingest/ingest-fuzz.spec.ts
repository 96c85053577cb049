import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'

import { openDeviceAuthenticator } from '../../../../src/main/core/ingest/protocol/device-auth'
import {
  LineFramer,
  OVERSIZE_LINE,
  type FramedLine
} from '../../../../src/main/core/ingest/tcp/line-framer'
import { ReportParser } from '../../../../src/main/core/ingest/protocol/report-parser'
import { DOCUMENT_LIMITS, INGEST_ERROR_CODES } from '../../../../src/shared/ingest-protocol'
import { ingestFixture } from '../../../support/ingest'

// Fuzzing the line framing and report validation with generated and mutated input: random
// bytes, NUL, invalid UTF-8, huge lines, deep nesting, prototype-pollution keys. Bounded here
// (a few seconds); `npm run fuzz` runs the same properties far longer (FUZZ_RUNS).

const RUNS = Number(process.env.FUZZ_RUNS ?? 300)
const MAX_LINE = 512
const fixture = ingestFixture()
afterEach(() => fixture.cleanup())

const validReport = fc.record({
  device: fc.string({ minLength: 1, maxLength: 20 }),
  temp: fc.double({ noNaN: true, noDefaultInfinity: true }),
  tags: fc.array(fc.string(), { maxLength: 3 })
})

/** Lines of every kind a hostile or broken sender could produce. */
const hostileLine: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s)),
  fc.json().map((s) => Buffer.from(s)),
  // A valid report with one byte flipped or cut short.
  fc
    .tuple(validReport, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean())
    .map(([r, at, byte, cut]) => {
      const b = Buffer.from(JSON.stringify(r))
      const i = at % b.length
      if (cut) return b.subarray(0, i)
      b[i] = byte
      return b
    }),
  // Deep nesting of arrays and objects, both within and beyond the limits.
  fc
    .array(fc.boolean(), { minLength: 1, maxLength: 3 * DOCUMENT_LIMITS.maxDepth })
    .map((arrays) => {
      const open = arrays.map((isArray) => (isArray ? '[' : '{"a":')).join('')
      const close = arrays
        .map((isArray) => (isArray ? ']' : '}'))
        .reverse()
        .join('')
      return Buffer.from(`{"device":"d","v":${open}1${close}}`)
    }),
  // Names that would re-parent or corrupt a stored document.
  fc
    .constantFrom('__proto__', 'constructor', 'prototype', '$where', 'a.b', 'time', '_id')
    .map((name) => Buffer.from(`{"device":"d","nested":{"${name}":{"polluted":1}},"${name}":1}`)),
  // Invalid UTF-8 and NUL inside an otherwise valid report.
  fc
    .constantFrom([0xc3, 0x28], [0xff], [0xed, 0xa0, 0x80], [0x00], [0xf0, 0x28, 0x8c])
    .map((bytes) =>
      Buffer.concat([Buffer.from('{"device":"d","s":"'), Buffer.from(bytes), Buffer.from('"}')])
    ),
  // Longer than the limit.
  fc.integer({ min: MAX_LINE + 1, max: 4 * MAX_LINE }).map((n) => Buffer.alloc(n, 0x7b))
)

/** The framing rules, written the simple way: split, strip `\r`, drop blanks, flag long lines. */
function referenceFraming(input: Buffer): Array<string | typeof OVERSIZE_LINE> {
  const out: Array<string | typeof OVERSIZE_LINE> = []
  const parts: Buffer[] = []
  let start = 0
  for (let nl = input.indexOf(10); nl !== -1; nl = input.indexOf(10, start)) {
    parts.push(input.subarray(start, nl))
    start = nl + 1
  }
  if (start < input.length) parts.push(input.subarray(start))
  for (const part of parts) {
    const line = part.at(-1) === 13 ? part.subarray(0, -1) : part
    if (line.length > MAX_LINE) out.push(OVERSIZE_LINE)
    else if (!/^[ \t]*$/.test(line.toString('latin1'))) out.push(line.toString('hex'))
  }
  return out
}

async function frame(chunks: Buffer[]): Promise<Array<string | typeof OVERSIZE_LINE>> {
  const framer = new LineFramer(MAX_LINE)
  const out: Array<string | typeof OVERSIZE_LINE> = []
  framer.on('data', (lines: FramedLine[]) => {
    for (const l of lines) out.push(l === OVERSIZE_LINE ? l : l.toString('hex'))
  })
  const done = new Promise((resolve) => framer.on('end', resolve))
  for (const chunk of chunks) framer.write(chunk)
  framer.end()
  await done
  return out
}

/** Cuts `bytes` at the given points: the same stream, arriving in different packets. */
function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
  const chunks: Buffer[] = []
  let from = 0
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, p))
    from = p
  }
  return chunks
}

describe('fuzzing ingest', () => {
  it('frames any byte stream exactly as the rules say, however it is cut into packets', async () => {
    const stream = fc.array(
      fc.oneof(
        hostileLine,
        fc.constantFrom(Buffer.from('\r\n'), Buffer.from('\n'), Buffer.from(' \t'))
      ),
      { maxLength: 30 }
    )
    await fc.assert(
      fc.asyncProperty(stream, fc.array(fc.nat(), { maxLength: 12 }), async (parts, cuts) => {
        const bytes = Buffer.concat(parts.map((p) => Buffer.from(p)))
        expect(await frame(chunked(bytes, cuts))).toEqual(referenceFraming(bytes))
      }),
      { numRuns: RUNS }
    )
  })

  it('answers every line with a clean report or a known error, and never pollutes prototypes', () => {
    const parser = new ReportParser(openDeviceAuthenticator)
    fc.assert(
      fc.property(hostileLine, (line) => {
        const result = parser.parse(Buffer.from(line), 1_000)
        if (result.ok) {
          const r = result.report
          expect(typeof r.device).toBe('string')
          expect(r).toMatchObject({ time: 1_000, identity: 'anonymous' })
          expect('auth' in r).toBe(false)
          expect(Object.getPrototypeOf(r)).toBe(Object.prototype)
          // What is stored is what is shown: its JSON reads back to the same JSON (-0 and 0,
          // both written "0", are the one number JSON has).
          const json = JSON.stringify(r)
          expect(JSON.stringify(JSON.parse(json))).toBe(json)
        } else {
          expect(INGEST_ERROR_CODES).toContain(result.reply.error)
          expect(result.reply.message.length).toBeGreaterThan(0)
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      }),
      { numRuns: RUNS * 10 }
    )
  })

  it('keeps a real connection going through garbage: every valid report acked and stored', async () => {
    const rig = await fixture.rig({ maxLineBytes: MAX_LINE })
    const parser = new ReportParser(openDeviceAuthenticator)
    // One line each (a newline inside becomes a space), and never a valid report by chance.
    const garbage = hostileLine
      .map((line) => Buffer.from(Buffer.from(line).map((b) => (b === 10 ? 32 : b))))
      .filter((line) => line.length > MAX_LINE || !parser.parse(line, 0).ok)
    let seq = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(garbage, fc.boolean()), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (lines, cuts) => {
          const device = await fixture.client(rig.port)
          const sent: number[] = []
          const parts: Buffer[] = []
          for (const [line, withValid] of lines) {
            parts.push(line, Buffer.from('\n'))
            if (withValid) {
              sent.push(++seq)
              parts.push(Buffer.from(JSON.stringify({ device: 'fuzz', seq, ok: true }) + '\n'))
            }
          }
          sent.push(++seq) // one last report: the connection must still be there to take it
          parts.push(Buffer.from(JSON.stringify({ device: 'fuzz', seq }) + '\n'))
          for (const chunk of chunked(Buffer.concat(parts), cuts)) device.write(chunk)
          const replies = await device.waitForReplies(
            sent.length + lines.filter(([l]) => !isBlankLine(l)).length
          )
          const acked = replies.filter((r) => 'ack' in r).map((r) => r.ack)
          expect(acked).toEqual(sent)
          for (const r of replies.filter((r) => 'error' in r))
            expect(INGEST_ERROR_CODES).toContain(r.error)
          device.close()
        }
      ),
      { numRuns: Math.max(10, RUNS / 10) }
    )
    // Each valid report stored exactly once: as many as were sent, and the newest in order.
    expect(rig.store.reportCount).toBe(seq)
    const newest = await rig.store.query({ device: 'fuzz', limit: 10_000 })
    expect(newest.map((r) => r.seq)).toEqual(
      Array.from({ length: Math.min(seq, 10_000) }, (_, i) => seq - i)
    )
  })
})

function isBlankLine(body: Buffer): boolean {
  const end = body.at(-1) === 13 ? body.length - 1 : body.length
  return body.subarray(0, end).every((b) => b === 0x20 || b === 0x09)
}
