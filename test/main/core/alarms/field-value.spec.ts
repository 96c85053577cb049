import { describe, expect, it } from 'vitest'

import { fieldValue } from '../../../../src/main/core/alarms/field-value'

describe('fieldValue', () => {
  it('reads a top-level field, and a nested one by a.b.c', () => {
    const report = { temp: 81, boiler: { water: { level: 0.4 } } }
    expect(fieldValue(report, 'temp')).toBe(81)
    expect(fieldValue(report, 'boiler.water.level')).toBe(0.4)
    expect(fieldValue(report, 'boiler.water')).toEqual({ level: 0.4 })
  })

  it('prefers a field whose own name has the dot', () => {
    expect(fieldValue({ 'a.b': 1, a: { b: 2 } }, 'a.b')).toBe(1)
  })

  it('is undefined when missing, or when the path runs into a non-object', () => {
    const report = { a: { b: 5 }, list: [{ x: 1 }], s: 'text', n: null }
    expect(fieldValue(report, 'missing')).toBeUndefined()
    expect(fieldValue(report, 'a.c')).toBeUndefined()
    expect(fieldValue(report, 'a.b.c')).toBeUndefined()
    expect(fieldValue(report, 'list.0.x')).toBeUndefined()
    expect(fieldValue(report, 's.length')).toBeUndefined()
    expect(fieldValue(report, 'n.x')).toBeUndefined()
    expect(fieldValue(report, '')).toBeUndefined()
    expect(fieldValue(report, undefined)).toBeUndefined()
    expect(fieldValue(null, 'a')).toBeUndefined()
  })

  it('never reaches the prototype', () => {
    const report = { a: { b: 1 } }
    for (const path of [
      '__proto__',
      'constructor',
      'toString',
      'a.__proto__',
      'a.constructor',
      'a.hasOwnProperty',
      '__proto__.polluted',
      'constructor.prototype'
    ]) {
      expect(fieldValue(report, path), path).toBeUndefined()
    }
  })

  it('reads an own field named __proto__ as JSON makes it, as data', () => {
    const report = JSON.parse('{"__proto__": {"x": 3}}') as Record<string, unknown>
    expect(fieldValue(report, '__proto__.x')).toBe(3)
  })

  it('does not run getters', () => {
    let ran = false
    const report = {
      get temp() {
        ran = true
        return 1
      }
    }
    expect(fieldValue(report, 'temp')).toBeUndefined()
    expect(ran).toBe(false)
  })
})
