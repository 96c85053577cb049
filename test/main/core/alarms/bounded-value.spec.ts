import { describe, expect, it } from 'vitest'

import { boundedValue, MAX_VALUE_CHARS } from '../../../../src/main/core/alarms/bounded-value'

describe('boundedValue', () => {
  it('keeps numbers, booleans, null and short strings as they are', () => {
    for (const value of [85, -1.5, true, null, '', 'fault', 'z'.repeat(MAX_VALUE_CHARS)])
      expect(boundedValue(value)).toBe(value)
  })

  it('cuts a longer string to 1,000 characters, ending in …', () => {
    const cut = boundedValue('a'.repeat(60_000)) as string
    expect(cut).toHaveLength(MAX_VALUE_CHARS)
    expect(cut.endsWith('a…')).toBe(true)
  })

  it('never cuts a character in two', () => {
    const cut = boundedValue('a'.repeat(998) + '😀' + 'b'.repeat(10)) as string
    expect(cut).toBe('a'.repeat(998) + '…')
    expect(boundedValue('a'.repeat(997) + '😀' + 'b'.repeat(10))).toBe('a'.repeat(997) + '😀…')
  })

  it('makes objects and arrays their JSON text, cut likewise', () => {
    expect(boundedValue({ level: 94 })).toBe('{"level":94}')
    expect(boundedValue([1, 'a'])).toBe('[1,"a"]')
    const cut = boundedValue({ blob: 'y'.repeat(5000) }) as string
    expect(cut).toBe('{"blob":"' + 'y'.repeat(990) + '…')
    const circular: Record<string, unknown> = {}
    circular.self = circular
    expect(boundedValue(circular)).toBeNull()
  })
})
