import { describe, expect, it } from 'vitest'

import { DeviceRules, type CoveringRule } from '../../../../src/main/core/alarms/device-rules'
import { deviceIdPattern } from '../../../../src/main/core/ingest/protocol/device-id-pattern'

/** Rules over `patterns`, counting each test of a pattern. */
function rulesOver(patterns: string[]): {
  rules: (CoveringRule & { id: string })[]
  tests: () => number
} {
  let tests = 0
  const rules = patterns.map((devices, position) => {
    const pattern = deviceIdPattern(devices)
    return {
      id: `r${position}`,
      position,
      devices,
      pattern: {
        test(id: string) {
          tests += 1
          return pattern.test(id)
        }
      }
    }
  })
  return { rules, tests: () => tests }
}

const ids = (rules: readonly { id: string }[]): string[] => rules.map((rule) => rule.id)

describe('DeviceRules', () => {
  it('never tests a `*` rule, and gives every device the one same list', () => {
    const { rules, tests } = rulesOver(Array.from({ length: 2000 }, () => '*'))
    const index = new DeviceRules(rules)
    const first = index.forDevice('dev-0')
    expect(first).toHaveLength(2000)
    const lists = new Set(Array.from({ length: 10_000 }, (_, d) => index.forDevice(`dev-${d}`)))
    expect([...lists]).toEqual([first])
    expect(tests()).toBe(0)
  })

  it('finds a rule naming one device by its id, untested', () => {
    const { rules, tests } = rulesOver(['*', 'plc-1', '**', 'plc-1', 'plc-2'])
    const index = new DeviceRules(rules)
    expect(ids(index.forDevice('plc-1'))).toEqual(['r0', 'r1', 'r2', 'r3'])
    expect(ids(index.forDevice('plc-2'))).toEqual(['r0', 'r2', 'r4'])
    expect(ids(index.forDevice('plc-3'))).toEqual(['r0', 'r2'])
    expect(index.forDevice('plc-1')).toBe(index.forDevice('plc-1'))
    expect(tests()).toBe(0)
  })

  it('tests the other patterns once per device, in the rules’ order, sharing equal lists', () => {
    const { rules, tests } = rulesOver(['plc-*', '*', 'line-?', 'plc-1', 'p*'])
    const index = new DeviceRules(rules)
    expect(ids(index.forDevice('plc-1'))).toEqual(['r0', 'r1', 'r3', 'r4'])
    expect(ids(index.forDevice('line-1'))).toEqual(['r1', 'r2'])
    expect(tests()).toBe(3 * 2)
    expect(ids(index.forDevice('plc-1'))).toEqual(['r0', 'r1', 'r3', 'r4'])
    expect(tests()).toBe(3 * 2)
    expect(index.forDevice('plc-7')).toBe(index.forDevice('plc-8'))
    expect(index.forDevice('line-2')).toBe(index.forDevice('line-1'))
    expect(tests()).toBe(3 * 5)

    // Forgotten, a device's list is worked out again when asked.
    index.forget('line-1')
    index.forDevice('line-1')
    expect(tests()).toBe(3 * 6)
  })

  it('covers nothing with a rule whose pattern is not a string', () => {
    const index = new DeviceRules([{ position: 0, devices: 42, pattern: { test: () => true } }])
    expect(index.forDevice('42')).toEqual([])
    expect(index.empty).toBe(true)
  })
})
