import { spawnSync } from 'node:child_process'

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import {
  PickleStreamDecoder,
  pickleLimits,
  type PickleEvent,
  type PickleLimits
} from '../../../../../src/main/core/ingest/pickle/pickle-decoder'
import { PYTHON } from '../../../../support/python-socketio'

// The pickle decoder fuzzed as the line framing is (ingest-fuzz.spec.ts): arbitrary and mutated
// bytes never throw out of it, never grow it beyond its bounds, and decode the same however the
// bytes are split. `npm run fuzz` runs the same properties longer (FUZZ_RUNS).

const RUNS = Number(process.env.FUZZ_RUNS ?? 300)
const LIMITS: PickleLimits = { ...pickleLimits(2048), maxDepth: 8, maxValues: 200, maxMemo: 300 }

/** Real pickles, from python3 when it is here, of every protocol. */
const PYTHON_PICKLES: Buffer[] = (() => {
  const script = `
import datetime, pickle, sys
values = [{"device": "d", "n": 1}, {"a": [1, 2.5, None, True, "é", b"\\x00b", 2**80, (1, "x")],
  "t": datetime.datetime(2026, 1, 2, 3, 4, 5, 6), "s": {1, 2}, "d": {"k": {"k": [[]]}}}, [1, 2], "text"]
for p in range(6):
    for v in values:
        sys.stdout.write(pickle.dumps(v, protocol=p).hex() + "\\n")
`
  const run = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8' })
  if (run.status !== 0) {
    process.stderr.write('\n*** python3 missing: the decoder fuzz runs on built pickles only ***\n')
    return [Buffer.from('80027d710058010000006171014b01732e', 'hex')]
  }
  return run.stdout
    .trim()
    .split('\n')
    .map((line) => Buffer.from(line, 'hex'))
})()

function decodeAll(chunks: Buffer[], limits = LIMITS) {
  const decoder = new PickleStreamDecoder(limits)
  const events: PickleEvent[] = []
  let refused: string | null = null
  let maxBuffered = 0
  for (const chunk of chunks) {
    const result = decoder.push(chunk)
    events.push(...result.events)
    refused = result.refused
    maxBuffered = Math.max(maxBuffered, decoder.bufferedBytes - chunk.length)
  }
  return { events: JSON.parse(JSON.stringify(events)) as unknown, refused, maxBuffered }
}

function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
  const parts: Buffer[] = []
  let start = 0
  for (const cut of at) {
    parts.push(bytes.subarray(start, cut))
    start = cut
  }
  parts.push(bytes.subarray(start))
  return parts
}

const mutated = fc
  .tuple(
    fc.constantFrom(...PYTHON_PICKLES),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
    fc.option(fc.nat())
  )
  .map(([pickle, flips, cut]) => {
    const b = Buffer.from(pickle)
    for (const [at, byte] of flips) b[at % b.length] = byte
    return cut === null ? b : b.subarray(0, cut % (b.length + 1))
  })

const stream = fc
  .array(
    fc.oneof(
      mutated,
      fc.uint8Array({ maxLength: 64 }).map((u) => Buffer.from(u))
    ),
    {
      maxLength: 6
    }
  )
  .map((parts) => Buffer.concat(parts))

describe('PickleStreamDecoder', () => {
  it('decodes Python’s pickles of every protocol, back to back in one chunk', () => {
    const { events, refused } = decodeAll([Buffer.concat(PYTHON_PICKLES)], pickleLimits(65536))
    expect(refused).toBeNull()
    expect((events as PickleEvent[]).every((e) => e.kind === 'value')).toBe(true)
    expect(events as unknown[]).toHaveLength(PYTHON_PICKLES.length)
  })

  it('never throws, whatever the bytes, and holds no more than a pickle’s limit', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 8 }), (bytes, cuts) => {
        const { maxBuffered, refused } = decodeAll(split(bytes, cuts))
        expect(maxBuffered).toBeLessThanOrEqual(LIMITS.maxBytes)
        // Refused for what the bytes say, never for a fault of the decoder's own.
        expect(refused ?? '').not.toMatch(/^could not be read/)
      }),
      { numRuns: RUNS }
    )
  })

  it('decodes the same bytes to the same values however they are split', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 12 }), (bytes, cuts) => {
        const whole = decodeAll([bytes])
        expect(decodeAll(split(bytes, cuts))).toEqual({ ...whole, maxBuffered: expect.any(Number) })
        const bytewise = decodeAll([...bytes].map((b) => Buffer.from([b])))
        expect(bytewise.events).toEqual(whole.events)
        expect(bytewise.refused).toEqual(whole.refused)
      }),
      { numRuns: RUNS }
    )
  })

  it('refuses every opcode that names a class, a callable or something outside the pickle', () => {
    const cases: Array<[string, Buffer]> = [
      ['GLOBAL os.system', Buffer.from("cos\nsystem\n(S'true'\ntR.")],
      [
        'STACK_GLOBAL builtins.eval',
        Buffer.from('\x80\x04\x8c\x08builtins\x8c\x04eval\x93.', 'latin1')
      ],
      ['BUILD', Buffer.from('}}b.')],
      ['INST', Buffer.from('(ios\nsystem\n.')],
      ['OBJ', Buffer.from('(o.')],
      ['NEWOBJ', Buffer.from('\x80\x02)\x81.', 'latin1')],
      ['NEWOBJ_EX', Buffer.from('\x92.', 'latin1')],
      ['EXT1', Buffer.from('\x82\x01.', 'latin1')],
      ['PERSID', Buffer.from('Pid\n.')],
      ['BINPERSID', Buffer.from('NQ.')],
      ['NEXT_BUFFER', Buffer.from('\x97.', 'latin1')],
      ['REDUCE of a non-global', Buffer.from(')N\x85R.', 'latin1')],
      [
        'aware datetime',
        Buffer.from(
          '\x80\x04\x8c\x08datetime\x8c\x08datetime\x93C\n\x07\xea\x01\x02\x03\x04\x05\x00\x00\x06N\x86R.',
          'latin1'
        )
      ],
      [
        'a global as data',
        Buffer.from('\x80\x04]\x8c\x08datetime\x8c\x08datetime\x93a.', 'latin1')
      ],
      ['recursion', Buffer.from('\x80\x04]\x94h\x00a.', 'latin1')]
    ]
    for (const [name, bytes] of cases) {
      const { events, refused } = decodeAll([bytes])
      expect(refused, name).not.toBeNull()
      expect(events, name).toEqual([])
    }
  })

  it('drops a pickle over a limit, stepping over it, and goes on with the next', () => {
    const next = Buffer.from('\x80\x04}\x8c\x01a\x94K\x01s.', 'latin1')
    // A string announced 1 GB long that arrives: stepped over, not held.
    const announced = Buffer.concat([
      Buffer.from('\x80\x04X', 'latin1'),
      Buffer.from([0x00, 0x10, 0x00, 0x00]),
      Buffer.alloc(4096, 0x61),
      Buffer.from('.')
    ])
    announced.writeUInt32LE(4096, 3)
    // A memo bomb: each list holds the previous one twice (2^30 values from a few hundred bytes).
    const bomb: number[] = [0x80, 0x04, 0x5d, 0x94]
    for (let i = 0; i < 30; i++) bomb.push(0x5d, 0x94, 0x28, 0x68, i, 0x68, i, 0x65)
    bomb.push(0x2e)
    const deep = Buffer.from('\x80\x04' + ']'.repeat(20) + 'a'.repeat(19) + '.', 'latin1')
    for (const [name, bytes] of [
      ['announced length', announced],
      ['memo bomb', Buffer.from(bomb)],
      ['depth', deep]
    ] as const) {
      const { events, refused } = decodeAll([bytes, next])
      expect(refused, name).toBeNull()
      expect(events, name).toEqual([
        { kind: 'dropped', reason: expect.any(String) },
        { kind: 'value', value: { a: 1 } }
      ])
    }
  })
})
