import { describe, expect, it } from 'vitest'

import {
  isolatedText,
  revealInvisible,
  splitInvisible,
  visibleJson
} from '../../src/renderer/src/visible-text'

describe('text from devices, made safe to show', () => {
  it('writes format and control characters out, as the log does', () => {
    expect(revealInvisible('\u202eexe.txt')).toBe('\\u202eexe.txt')
    expect(revealInvisible('p\u200b1')).toBe('p\\u200b1')
    expect(revealInvisible('tag\u{e0041}')).toBe('tag\\u{e0041}')
    expect(revealInvisible('a\nb')).toBe('a\\u000ab')
    // Letters of any script are not invisible: right-to-left ids stay as they are.
    expect(revealInvisible('\u05de\u05db\u05d5\u05e0\u05d4-7')).toBe(
      '\u05de\u05db\u05d5\u05e0\u05d4-7'
    )
  })

  it('cuts a text into plain runs and its invisible characters', () => {
    expect(splitInvisible('p\u200b\u200b1')).toEqual([
      { text: 'p', invisible: false },
      { text: '\u200b', invisible: true },
      { text: '\u200b', invisible: true },
      { text: '1', invisible: false }
    ])
    expect(splitInvisible('plain')).toEqual([{ text: 'plain', invisible: false }])
  })

  it('isolates an id for plain text between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE', () => {
    expect(isolatedText('\u202ephone')).toBe('\u2068\\u202ephone\u2069')
  })

  it('writes JSON whose invisible characters are escapes, and which parses to the same value', () => {
    const value = { '\u202eexe.txt': 1, 'p\u200b1': 'x\u0085y\u{e0001}', nested: { a: [1] } }
    const json = visibleJson(value, 2)
    expect(json).not.toMatch(/[\u202e\u200b\u0085]|\u{e0001}/u)
    expect(json).toContain('"\\u202eexe.txt": 1')
    expect(JSON.parse(json)).toEqual(value)
  })
})
