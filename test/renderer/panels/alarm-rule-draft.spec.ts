import { describe, expect, it } from 'vitest'

import {
  draftFromRule,
  fieldErrorOf,
  matchValue,
  NEW_RULE,
  ruleFromDraft
} from '../../../src/renderer/src/panels/alarm-rule-draft'
import type { AlarmRule } from '../../../src/shared/alarm-types'

describe('a rule as its form holds it', () => {
  it('comes back from the form as the same rule', () => {
    const rules: AlarmRule[] = [
      {
        id: 'hot',
        name: 'Too hot',
        devices: 'pump-*',
        field: 'temp',
        above: 90,
        deadband: 2,
        onDelay: 5,
        severity: 'critical',
        notify: ['phone-1', 'phone-2'],
        escalate: { afterSeconds: 600, notify: 'all' },
        commentRequired: true,
        enabled: false
      },
      { id: 'feed', name: 'Feed lost', devices: '*', stale: 60, severity: 'low', notify: 'all' },
      {
        id: 'mode',
        name: 'Manual',
        devices: 'plc-?',
        field: 'mode',
        equals: 'manual',
        severity: 'medium'
      },
      {
        id: 'code',
        name: 'Text 42',
        devices: '*',
        field: 'code',
        notEquals: '42',
        severity: 'low'
      },
      {
        id: 'run',
        name: 'Stopped',
        devices: '*',
        field: 'running',
        equals: false,
        severity: 'high'
      }
    ]
    for (const rule of rules)
      expect(ruleFromDraft(draftFromRule(rule))).toEqual({
        commentRequired: false,
        enabled: true,
        ...rule
      })
  })

  it('reads an equals value as JSON when it is a scalar, else as the text typed', () => {
    expect(matchValue('42')).toBe(42)
    expect(matchValue('"42"')).toBe('42')
    expect(matchValue('true')).toBe(true)
    expect(matchValue('null')).toBeNull()
    expect(matchValue('fault')).toBe('fault')
    expect(matchValue('[1]')).toBe('[1]')
  })

  it('leaves out the inputs left empty, for the console’s defaults', () => {
    const rule = ruleFromDraft({ ...NEW_RULE, name: ' Hot ', field: 'temp', value: '90' })
    expect(rule).toEqual({
      name: 'Hot',
      devices: '*',
      field: 'temp',
      above: 90,
      severity: 'high',
      commentRequired: false,
      enabled: true
    })
  })

  it('finds the input a refusal names', () => {
    expect(fieldErrorOf('above: must be a number')).toEqual({
      field: 'value',
      message: 'must be a number'
    })
    expect(fieldErrorOf('escalate.notify.0: no such push client')).toEqual({
      field: 'escalateNotify',
      message: 'no such push client'
    })
    expect(fieldErrorOf('devices: must not be empty')?.field).toBe('devices')
    expect(fieldErrorOf('a rule has exactly one condition')).toBeNull()
    expect(fieldErrorOf('colour: unknown field')).toBeNull()
  })
})
