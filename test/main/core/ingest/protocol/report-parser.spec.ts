import { describe, expect, it } from 'vitest'

import {
  openDeviceAuthenticator,
  TokenDeviceAuthenticator,
  TokenTable
} from '../../../../../src/main/core/ingest/protocol/device-auth'
import { ReportParser } from '../../../../../src/main/core/ingest/protocol/report-parser'

const open = new ReportParser(openDeviceAuthenticator)
const parse = (text: string | Buffer, parser = open) =>
  parser.parse(typeof text === 'string' ? Buffer.from(text) : text, 1_000)

describe('ReportParser', () => {
  it('stamps receive time and identity, strips auth, keeps payload as sent', () => {
    const result = parse(
      '{"device":"plc-1","seq":4,"ts":99,"auth":"secret","temp":21.5,"tags":["a"],"nested":{"k":null}}'
    )
    expect(result).toEqual({
      ok: true,
      report: {
        device: 'plc-1',
        seq: 4,
        ts: 99,
        temp: 21.5,
        tags: ['a'],
        nested: { k: null },
        time: 1_000,
        identity: 'anonymous'
      }
    })
  })

  it.each([
    ['{"device":', 'bad_json'],
    ['not json', 'bad_json'],
    ['[1,2]', 'not_object'],
    ['null', 'not_object'],
    ['"text"', 'not_object'],
    ['{"seq":1}', 'invalid_field'],
    ['{"device":""}', 'invalid_field'],
    [`{"device":"${'d'.repeat(129)}"}`, 'invalid_field'],
    ['{"device":5}', 'invalid_field'],
    ['{"device":"a","seq":-1}', 'invalid_field'],
    ['{"device":"a","seq":1.5}', 'invalid_field'],
    ['{"device":"a","seq":9007199254740992}', 'invalid_field'],
    [`{"device":"a","auth":"${'k'.repeat(1025)}"}`, 'invalid_field'],
    ['{"device":"a","seq":"1"}', 'invalid_field'],
    ['{"device":"a","ts":"yesterday"}', 'invalid_field'],
    ['{"device":"a","auth":7}', 'invalid_field'],
    ['{"device":"a","time":5}', 'invalid_field'],
    ['{"device":"a","identity":"root"}', 'invalid_field'],
    ['{"device":"a","_id":"x"}', 'invalid_field'],
    ['{"device":"a","$where":"1"}', 'invalid_field'],
    ['{"device":"a","x":{"$$date":1}}', 'invalid_field'],
    ['{"device":"a","a.b":1}', 'invalid_field'],
    ['{"device":"a","x":[{"__proto__":{"admin":true}}]}', 'invalid_field']
  ])('rejects %s with %s', (line, code) => {
    const result = parse(line)
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.reply.error).toBe(code)
      expect(result.reply.message.length).toBeGreaterThan(5)
    }
  })

  // The parser checks a plain header without the schema: its edges must be the schema's.
  it('accepts a header at its limits', () => {
    const line = JSON.stringify({
      device: 'd'.repeat(128),
      seq: Number.MAX_SAFE_INTEGER,
      ts: -1.5,
      auth: 'k'.repeat(1024)
    })
    expect(parse(line).ok).toBe(true)
    expect(parse('{"device":"a","seq":0}').ok).toBe(true)
  })

  it('names the offending field in the message', () => {
    const result = parse('{"device":"a","seq":-3}')
    expect(!result.ok && result.reply.message).toMatch(/^seq: /)
  })

  it('echoes seq in an error reply when it could be read', () => {
    const result = parse('{"device":"","seq":12}')
    expect(!result.ok && result.reply).toEqual({
      error: 'invalid_field',
      message: expect.any(String),
      seq: 12
    })
    const unreadable = parse('{"device":"","seq":-12}')
    expect(!unreadable.ok && 'seq' in unreadable.reply).toBe(false)
  })

  it('rejects invalid UTF-8 as bad_json', () => {
    const result = parse(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]))
    expect(!result.ok && result.reply).toEqual({
      error: 'bad_json',
      message: 'line is not valid UTF-8'
    })
  })

  it('rejects nesting deeper than the limit without exhausting the stack', () => {
    const deep = '{"device":"a","x":' + '['.repeat(5000) + ']'.repeat(5000) + '}'
    const result = parse(deep)
    expect(!result.ok && result.reply.error).toBe('invalid_field')
    expect(!result.ok && result.reply.message).toMatch(/nested deeper/)
  })

  it('rejects a number beyond a double’s range, which would be stored as null (found by the fuzzer)', () => {
    const r = parse('{"device":"d","seq":4,"m":{"temp":1e1290}}')
    expect(r).toEqual({
      ok: false,
      reply: {
        error: 'invalid_field',
        message: 'temp: number out of range (beyond ±1.8e308)',
        seq: 4
      }
    })
    expect(parse('{"device":"d","x":-1.7e308,"y":5e-324}').ok).toBe(true)
  })

  it('rejects a device id with an invisible format character, naming it', () => {
    const result = parse('{"device":"\\u202eexe.txt","seq":1}')
    expect(result).toEqual({
      ok: false,
      reply: {
        error: 'invalid_field',
        message: 'device: must not contain the invisible character \\u202e',
        seq: 1
      }
    })
    expect(parse('{"device":"p\\u200b1"}').ok).toBe(false)
    expect(parse('{"device":"Kessel-Ü2"}').ok).toBe(true)
  })

  it('rejects __proto__ as a field name, where a stored copy would take it as its prototype', () => {
    const result = parse('{"device":"a","__proto__":{"admin":true}}')
    expect(!result.ok && result.reply).toMatchObject({
      error: 'invalid_field',
      message: expect.stringMatching(/__proto__/)
    })
  })

  describe('in token mode', () => {
    const tokens = new ReportParser(
      new TokenDeviceAuthenticator(() => [TokenTable.fromTokens({ 'token-line-1': 'line-1' })])
    )

    it('stores the identity the token maps to', () => {
      const result = parse('{"device":"plc-1","auth":"token-line-1"}', tokens)
      expect(result.ok && result.report).toMatchObject({ device: 'plc-1', identity: 'line-1' })
      expect(result.ok && 'auth' in result.report).toBe(false)
    })

    it('rejects a missing or unknown token as unauthorized', () => {
      const missing = parse('{"device":"plc-1","seq":3}', tokens)
      expect(!missing.ok && missing.reply).toMatchObject({ error: 'unauthorized', seq: 3 })
      const wrong = parse('{"device":"plc-1","auth":"token-line-2"}', tokens)
      expect(!wrong.ok && wrong.reply.error).toBe('unauthorized')
    })
  })
})
