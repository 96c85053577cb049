import { describe, expect, it } from 'vitest'

import {
  globMatches,
  MAX_PATTERN_GLOBS,
  MAX_PATTERN_LENGTH,
  patternGlobs,
  patternProblem,
  tileFields
} from '../../../src/renderer/src/state/tile-fields'
import type { StoredReport } from '../../../src/shared/ingest-protocol'

const report = (fields: Record<string, unknown>): StoredReport => ({
  _id: 'r1',
  device: 'pump-1',
  time: 1_000,
  identity: 'anonymous',
  seq: 7,
  ts: 990,
  ...fields
})

describe('the fields an Overview tile shows', () => {
  it('by default: the first six numeric fields of the latest report, in name order, nested as a.b', () => {
    const latest = report({
      temp10: 1,
      temp2: 2,
      status: 'ok',
      alarm: true,
      motor: { rpm: 1450, bearing: { temp: 61.5 } },
      list: [1, 2],
      amps: 3,
      volts: 230,
      zeta: 9
    })
    // seq and ts are the device's bookkeeping, not readings; strings, booleans and arrays no numbers.
    expect(tileFields(latest, '')).toEqual([
      'amps',
      'motor.bearing.temp',
      'motor.rpm',
      'temp2',
      'temp10',
      'volts'
    ])
  })

  it('by a pattern: each glob’s matches in name order, the globs in the order written, six at most', () => {
    const latest = report({ pressure: 2.1, temp_out: 40, temp_in: 20, humidity: 55, flow: 3 })
    expect(tileFields(latest, 'temp*, pressure')).toEqual(['temp_in', 'temp_out', 'pressure'])
    expect(tileFields(latest, 'pressure,temp_?n')).toEqual(['pressure', 'temp_in'])
    // A field matched by two globs is shown once, where the first put it.
    expect(tileFields(latest, '*t*, temp_in, flow')).toEqual([
      'humidity',
      'temp_in',
      'temp_out',
      'flow'
    ])
    expect(tileFields(latest, 'nothing*')).toEqual([])
    const wide = report(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, i])))
    expect(tileFields(wide, 'f1*')).toEqual(['f1', 'f10', 'f11', 'f12', 'f13', 'f14'])
  })

  it('matches globs whole, case and all, without backtracking blowing up', () => {
    expect(globMatches('temp*', 'temp')).toBe(true)
    expect(globMatches('temp*', 'temperature')).toBe(true)
    expect(globMatches('temp*', 'Temperature')).toBe(false)
    expect(globMatches('*.temp', 'motor.temp')).toBe(true)
    expect(globMatches('*.temp', 'motor.temps')).toBe(false)
    expect(globMatches('line-?', 'line-1')).toBe(true)
    expect(globMatches('line-?', 'line-12')).toBe(false)
    expect(globMatches('a*b*c', 'axxbyyc')).toBe(true)
    expect(globMatches('a*b*c', 'axxbyy')).toBe(false)
    expect(globMatches('*', '')).toBe(true)
    expect(globMatches('', 'a')).toBe(false)
    // A regular expression of `.*` runs takes seconds on this; the walk is linear-ish, about a
    // millisecond. The bound is far from both, so a busy machine's pause does not trip it.
    const started = performance.now()
    expect(globMatches('*a*a*a*a*a*a*a*a*b', 'a'.repeat(256))).toBe(false)
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('reads a pattern as comma-separated globs and bounds it', () => {
    expect(patternGlobs(' temp* ,, pressure ,temp*')).toEqual(['temp*', 'pressure'])
    expect(patternProblem('temp*, pressure')).toBeNull()
    expect(patternProblem('x'.repeat(MAX_PATTERN_LENGTH + 1))).toBe('tooLong')
    expect(
      patternProblem(Array.from({ length: MAX_PATTERN_GLOBS + 1 }, (_, i) => `f${i}`).join(','))
    ).toBe('tooMany')
  })
})
