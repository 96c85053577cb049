import { describe, expect, it } from 'vitest'

import { whyNotStorable } from '../../../../../src/main/core/ingest/protocol/storable-document'
import { DOCUMENT_LIMITS } from '../../../../../src/shared/ingest-protocol'

const { maxDepth, maxArrayDepth, maxValues } = DOCUMENT_LIMITS

/** `levels` containers, each holding the next; `kindAt(i)` says which, from the top. */
function nest(levels: number, kindAt: (i: number) => 'array' | 'object', bottom: unknown = 1) {
  let value = bottom
  for (let i = levels - 1; i >= 0; i--) value = kindAt(i) === 'array' ? [value] : { a: value }
  return value
}

describe('whyNotStorable', () => {
  it('accepts what JSON gives, up to every limit', () => {
    expect(whyNotStorable({ device: 'a', x: [1, 'b', null, true, { c: [] }] })).toBeNull()
    expect(whyNotStorable(nest(maxDepth, () => 'object'))).toBeNull()
    expect(whyNotStorable(nest(maxArrayDepth, () => 'array'))).toBeNull()
    expect(whyNotStorable(Array.from({ length: maxValues }, () => 0))).toBeNull()
    expect(whyNotStorable('text')).toBeNull()
    expect(whyNotStorable(null)).toBeNull()
  })

  it('names the depth limit one level past it', () => {
    expect(whyNotStorable(nest(maxDepth + 1, () => 'object'))).toBe(
      `nested deeper than ${maxDepth} levels`
    )
  })

  it('counts arrays on one path through objects, since the store pays for each one', () => {
    const alternating = nest(2 * (maxArrayDepth + 1), (i) => (i % 2 === 0 ? 'array' : 'object'))
    expect(whyNotStorable(alternating)).toBe(`arrays nested deeper than ${maxArrayDepth} levels`)
    // Side by side, arrays do not add up: only nesting multiplies the cost.
    const wide = { a: nest(maxArrayDepth, () => 'array'), b: nest(maxArrayDepth, () => 'array') }
    expect(whyNotStorable(wide)).toBeNull()
  })

  it('names the value limit, counting fields and elements at every depth', () => {
    expect(whyNotStorable(Array.from({ length: maxValues + 1 }, () => 0))).toBe(
      `more than ${maxValues} values (fields and array elements)`
    )
    const split = {
      a: Array.from({ length: maxValues / 2 }, () => 0),
      b: Object.fromEntries(Array.from({ length: maxValues / 2 - 2 }, (_, i) => [`k${i}`, 0]))
    }
    expect(whyNotStorable(split)).toBeNull() // a, b and their contents: exactly the limit
    expect(whyNotStorable({ ...split, c: 0 })).toMatch(/^more than/)
  })

  it('refuses names the store reserves or would misread, at any depth, but not in arrays', () => {
    expect(whyNotStorable({ x: [{ $where: 1 }] })).toBe(
      '$where: field names must not start with "$"'
    )
    expect(whyNotStorable({ x: { 'a.b': 1 } })).toBe('a.b: field names must not contain "."')
    expect(whyNotStorable(JSON.parse('{"x":{"__proto__":{"admin":true}}}'))).toBe(
      '__proto__: not allowed as a field name'
    )
    expect(whyNotStorable(['$x', 'a.b'])).toBeNull()
  })

  it('refuses numbers beyond a double, which the store would write as null', () => {
    expect(whyNotStorable(JSON.parse('{"m":[1e999]}'))).toBe(
      '0: number out of range (beyond ±1.8e308)'
    )
    expect(whyNotStorable(JSON.parse('-1e999'))).toMatch(/out of range/)
  })

  // The store writes plain JSON lines: a Date would come back as a string, a Map as {}.
  it('refuses objects that are not plain JSON, which the store would not read back as they were', () => {
    const refusal = 'only plain JSON objects, arrays and values'
    expect(whyNotStorable({ at: new Date(0) })).toBe(refusal)
    expect(whyNotStorable({ a: [{ m: new Map() }] })).toBe(refusal)
    expect(whyNotStorable(Object.assign(Object.create(null), { a: 1 }))).toBeNull()
  })
})
