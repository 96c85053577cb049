import { describe, expect, it } from 'vitest'

import {
  conditionDecision,
  conditionHolds,
  ruleKind
} from '../../../../src/main/core/alarms/alarm-condition'
import type { AlarmRule } from '../../../../src/shared/alarm-types'
import { report } from './engine-harness'

const base: AlarmRule = { id: 'r', name: 'r', devices: '*', field: 'v', severity: 'low' }

describe('conditionDecision', () => {
  it('above: raises over the limit, clears at or under limit - deadband, holds between', () => {
    const rule = { ...base, above: 80, deadband: 5 }
    expect(conditionDecision(rule, 80.1)).toBe('raise')
    expect(conditionDecision(rule, 80)).toBe('hold')
    expect(conditionDecision(rule, 75.1)).toBe('hold')
    expect(conditionDecision(rule, 75)).toBe('clear')
    expect(conditionDecision(rule, -1000)).toBe('clear')
  })

  it('above without a deadband clears at the limit itself', () => {
    const rule = { ...base, above: 80 }
    expect(conditionDecision(rule, 80)).toBe('clear')
    expect(conditionDecision(rule, 81)).toBe('raise')
  })

  it('below mirrors above', () => {
    const rule = { ...base, below: 10, deadband: 2 }
    expect(conditionDecision(rule, 9.9)).toBe('raise')
    expect(conditionDecision(rule, 10)).toBe('hold')
    expect(conditionDecision(rule, 11.9)).toBe('hold')
    expect(conditionDecision(rule, 12)).toBe('clear')
  })

  it('skips what is not a finite number where one is expected', () => {
    const rule = { ...base, above: 80 }
    for (const value of ['90', NaN, Infinity, null, undefined, { v: 90 }, [90], true]) {
      expect(conditionDecision(rule, value), String(value)).toBe('skip')
    }
  })

  it('equals and notEquals compare strictly, with no deadband', () => {
    const equals = { ...base, equals: 'fault' }
    expect(conditionDecision(equals, 'fault')).toBe('raise')
    expect(conditionDecision(equals, 'ok')).toBe('clear')
    expect(conditionDecision(equals, 'Fault')).toBe('clear')
    const notEquals = { ...base, notEquals: 'ok' }
    expect(conditionDecision(notEquals, 'ok')).toBe('clear')
    expect(conditionDecision(notEquals, 'jammed')).toBe('raise')
    expect(conditionDecision({ ...base, equals: 1 }, '1')).toBe('clear')
    expect(conditionDecision({ ...base, equals: true }, true)).toBe('raise')
    expect(conditionDecision({ ...base, equals: null }, null)).toBe('raise')
    expect(conditionDecision({ ...base, equals: null }, 0)).toBe('clear')
  })

  it('equals skips a missing field or a value it cannot compare', () => {
    expect(conditionDecision({ ...base, equals: 'fault' }, undefined)).toBe('skip')
    expect(conditionDecision({ ...base, notEquals: 'ok' }, undefined)).toBe('skip')
    expect(conditionDecision({ ...base, notEquals: 'ok' }, { state: 'ok' })).toBe('skip')
  })

  it('stale clears on any report; a rule with no condition is never evaluated', () => {
    expect(conditionDecision({ ...base, field: undefined, stale: 60 }, undefined)).toBe('clear')
    expect(ruleKind(base)).toBeNull()
    expect(conditionDecision(base, 1)).toBe('skip')
  })
})

describe('conditionHolds', () => {
  it('is true when the report raises the rule', () => {
    const rule = { ...base, field: 'boiler.temp', above: 80, deadband: 5 }
    expect(conditionHolds(rule, report('d', { boiler: { temp: 90 } }), 0)).toBe(true)
    expect(conditionHolds(rule, report('d', { boiler: { temp: 78 } }), 0)).toBe(false)
    expect(conditionHolds(rule, report('d', {}), 0)).toBe(false)
    expect(conditionHolds(rule, undefined, 0)).toBe(false)
  })

  it('for stale, compares the time since the last report with the limit', () => {
    const rule = { ...base, field: undefined, stale: 60 }
    expect(conditionHolds(rule, undefined, 100_000, 39_999)).toBe(true)
    expect(conditionHolds(rule, undefined, 100_000, 40_000)).toBe(false)
    expect(conditionHolds(rule, { ...report('d', {}), time: 1_000 }, 100_000)).toBe(true)
    expect(conditionHolds(rule, undefined, 100_000)).toBe(false)
  })
})
