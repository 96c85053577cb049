import { describe, expect, it } from 'vitest'

import {
  escapeInvisibleCharacters,
  findInvisibleCharacter
} from '../../../../../src/main/core/ingest/protocol/invisible-characters'

describe('findInvisibleCharacter', () => {
  it.each([
    ['\u202eexe.txt', '\\u202e'],
    ['p\u200b1', '\\u200b'],
    ['a\u2066b\u2069', '\\u2066'],
    ['\ufeffboiler', '\\ufeff'],
    ['tag\u{e0041}', '\\u{e0041}']
  ])('finds the format character in %j and names it %s', (text, escaped) => {
    expect(findInvisibleCharacter(text)).toBe(escaped)
  })

  it('lets visible text through, whatever its script', () => {
    for (const text of ['plc-1', 'Kessel Ü2', 'مضخة-3', 'ポンプ', 'a b', 'x/y:z'])
      expect(findInvisibleCharacter(text)).toBeNull()
  })
})

describe('escapeInvisibleCharacters', () => {
  it('writes format and control characters as escapes, so they cannot reorder or break a line', () => {
    expect(escapeInvisibleCharacters('\u202eexe.txt')).toBe('\\u202eexe.txt')
    expect(escapeInvisibleCharacters('a\nb\x1b[2Jc')).toBe('a\\u000ab\\u001b[2Jc')
  })

  it('returns text without them as it is', () => {
    const text = 'device plc-1 online'
    expect(escapeInvisibleCharacters(text)).toBe(text)
  })
})
