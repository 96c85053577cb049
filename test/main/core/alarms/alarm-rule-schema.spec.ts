import { describe, expect, it } from 'vitest'

import {
  parseAlarmRule,
  parseAlarmRules,
  parseRulesFile,
  ruleIdFromName
} from '../../../../src/main/core/alarms/alarm-rule-schema'
import { OperationError } from '../../../../src/main/core/operations/operation-error'

const good = {
  id: 'tank-high',
  name: 'Tank high',
  devices: 'tank-*',
  field: 'level',
  above: 90,
  severity: 'high'
}

/** The message parseAlarmRule refuses `input` with (it must refuse it as a bad request). */
function refusal(input: unknown): string {
  try {
    parseAlarmRule(input)
  } catch (error) {
    expect(error).toBeInstanceOf(OperationError)
    expect((error as OperationError).code).toBe('bad_request')
    return (error as Error).message
  }
  throw new Error(`taken: ${JSON.stringify(input)}`)
}

function fileError(path: string, text: string): string {
  try {
    parseRulesFile(path, text)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('the file was taken')
}

describe('parseAlarmRule', () => {
  it('takes good rules as they are given, each condition with what it allows', () => {
    expect(parseAlarmRule(good)).toEqual(good)
    const full = {
      ...good,
      below: undefined,
      deadband: 2.5,
      onDelay: 10,
      offDelay: 0,
      notify: ['phone-1', 'phone-2'],
      escalate: { afterSeconds: 600, notify: 'all' },
      commentRequired: true,
      enabled: false
    }
    const { below: _below, ...expected } = full
    expect(parseAlarmRule(full)).toEqual(expected)
    const base = { id: 'r', name: 'r', devices: '*', severity: 'low' }
    for (const condition of [
      { field: 'temp', below: -5, deadband: 0 },
      { field: 'status.mode', equals: 'fault' },
      { field: 'door', equals: true },
      { field: 'code', notEquals: 0 },
      { field: 'error', notEquals: null },
      { stale: 300 }
    ])
      expect(parseAlarmRule({ ...base, ...condition })).toEqual({ ...base, ...condition })
  })

  it('refuses each bad field by its name, so a form can show the message beside it', () => {
    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ above: '90' }, 'above: expected a number'],
      [{ above: Number.POSITIVE_INFINITY }, 'above: expected a number'],
      [{ id: 'no spaces' }, "id: letters, digits, '.', '_' and '-' only, 1 to 64 of them"],
      [{ id: 'x'.repeat(65) }, 'id: letters'],
      [{ name: '  ' }, 'name: must not be empty'],
      [{ name: 'n'.repeat(201) }, 'name: at most 200 characters'],
      [{ name: undefined }, 'name: required'],
      [{ devices: '' }, 'devices: must not be empty'],
      [{ devices: 'd'.repeat(129) }, 'devices: at most 128 characters'],
      [{ field: 'a..b' }, 'field: each part of a nested field (a.b) must not be empty'],
      [{ field: 'f'.repeat(201) }, 'field: at most 200 characters'],
      [{ field: undefined }, 'field: required with above'],
      [{ severity: 'urgent' }, 'severity: expected one of critical, high, medium, low'],
      [{ severity: undefined }, 'severity: required'],
      [{ deadband: -1 }, 'deadband: must not be negative'],
      [{ deadband: 1e9 + 1 }, 'deadband: at most 1e9'],
      [{ above: 1e15 + 2 }, 'above: at most 1e15'],
      [{ above: undefined, below: -1e16 }, 'below: at least -1e15'],
      [{ above: Number.NaN }, 'above: expected a number'],
      [{ onDelay: 86_401 }, 'onDelay: at most 86400 seconds (a day)'],
      [{ offDelay: -1 }, 'offDelay: must not be negative'],
      [{ notify: [] }, "notify: must name at least one push client (or be 'all')"],
      [{ notify: 'everyone' }, "notify: expected 'all' or a list of push client uids"],
      [{ notify: ['ok', ''] }, 'notify[1]: must not be empty'],
      [{ notify: Array.from({ length: 101 }, (_, i) => `p${i}`) }, 'notify: at most 100'],
      [{ notify: ['u'.repeat(257)] }, 'notify[0]: at most 256 characters'],
      [
        { escalate: { afterSeconds: 0, notify: 'all' } },
        'escalate.afterSeconds: must be more than 0'
      ],
      [
        { escalate: { afterSeconds: 700_000, notify: 'all' } },
        'escalate.afterSeconds: at most 604800'
      ],
      [{ escalate: { afterSeconds: 60 } }, 'escalate.notify: required'],
      [{ escalate: { afterSeconds: 60, notify: 'all', to: 'x' } }, 'escalate.to: unknown field'],
      [{ commentRequired: 'yes' }, 'commentRequired: expected true or false'],
      [{ enabled: 1 }, 'enabled: expected true or false'],
      [{ colour: 'red' }, 'colour: unknown field'],
      [{ below: 10 }, 'below: a rule has one condition: not both above and below'],
      [{ above: undefined, field: undefined, stale: 0 }, 'stale: must be more than 0 seconds'],
      [
        { above: undefined, field: undefined, stale: 2_592_001 },
        'stale: at most 2592000 seconds (30 days)'
      ],
      [{ above: undefined, stale: 60 }, 'field: a stale rule watches reports, not a field'],
      [
        { above: undefined, field: 'mode', equals: 'x'.repeat(1001) },
        'equals: at most 1000 characters'
      ],
      [
        { above: undefined, field: 'mode', equals: { a: 1 } },
        'equals: expected a string, a number, true, false or null'
      ],
      [
        { above: undefined, field: 'mode', equals: 'x', deadband: 1 },
        'deadband: only with above or below'
      ],
      [{ above: undefined }, 'condition: needs one of above, below, equals, notEquals, stale']
    ]
    for (const [change, message] of refusals)
      expect(refusal({ ...good, ...change })).toContain(message)
    expect(refusal(42)).toBe('rule: expected a rule: an object { name, devices, severity, … }')
    expect(refusal(null)).toContain('rule: expected a rule')
  })

  it('makes an id from the name when none is given, suffixed only when it is taken', () => {
    const { id: _id, ...unnamed } = good
    expect(parseAlarmRule({ ...unnamed, name: '  Tank 3: Level — HIGH!  ' }).id).toBe(
      'tank-3-level-high'
    )
    expect(parseAlarmRule({ ...unnamed, name: 'Température haute' }).id).toBe('temperature-haute')
    expect(parseAlarmRule({ ...unnamed, name: '温度' }).id).toBe('rule')
    expect(ruleIdFromName('x'.repeat(60) + ' y')).toBe('x'.repeat(48))
    const taken = new Set(['tank-high'])
    const suffixed = parseAlarmRule(unnamed, { taken: (id) => taken.has(id) }).id
    expect(suffixed).toMatch(/^tank-high-[a-z0-9]{6}$/)
    expect(parseAlarmRule(unnamed, { taken: (id) => id === 'elsewhere' }).id).toBe('tank-high')
    // An id given is kept, taken or not (creating it is what refuses a taken one).
    expect(parseAlarmRule(good, { taken: () => true }).id).toBe('tank-high')
    // The caller's id (a replace by id, a preview) stands in for a missing one.
    expect(parseAlarmRule(unnamed, { id: 'by-path' }).id).toBe('by-path')
    expect(parseAlarmRule(good, { id: 'by-path' }).id).toBe('tank-high')
  })
})

describe('parseAlarmRules ({ rules: [...] })', () => {
  it('names the rule at fault by index and id, and refuses two rules of one id', () => {
    expect(parseAlarmRules({ rules: [good] })).toEqual([good])
    expect(() => parseAlarmRules({ rules: [good, { ...good, id: 'b', above: 'x' }] })).toThrow(
      'rules[1] (b): above: expected a number'
    )
    expect(() => parseAlarmRules({ rules: [good, { ...good, name: 'Other' }] })).toThrow(
      'rules[1] (tank-high): id: tank-high is already the id of rules[0]'
    )
    const { id: _id, ...unnamed } = good
    expect(() => parseAlarmRules({ rules: [unnamed, unnamed] })).toThrow(
      'rules[1] (Tank high): name: tank-high is already the id of rules[0] (made from its name: give one an id)'
    )
    expect(() => parseAlarmRules({ rules: 'all' })).toThrow('rules: expected a list of rules')
    expect(() => parseAlarmRules({})).toThrow('rules: required')
    expect(() => parseAlarmRules({ rules: [], extra: 1 })).toThrow('extra: unknown field')
    expect(() => parseAlarmRules([good])).toThrow(OperationError)
  })
})

describe('parseRulesFile', () => {
  const yaml = [
    'rules:', //                                 line 1
    '  - id: tank-high', //                      line 2
    '    name: Tank high', //                    line 3
    '    devices: tank-*', //                    line 4
    '    field: level', //                       line 5
    '    above: 90', //                          line 6
    '    severity: high', //                     line 7
    '  - name: Pump stale', //                   line 8
    '    devices: pump-?', //                    line 9
    '    stale: 300', //                         line 10
    '    severity: medium', //                   line 11
    ''
  ].join('\n')

  it('reads YAML and JSON alike, ids made from names', () => {
    const rules = parseRulesFile('/etc/lookout/rules.yaml', yaml)
    expect(rules.map((r) => r.id)).toEqual(['tank-high', 'pump-stale'])
    expect(rules[1]).toEqual({
      id: 'pump-stale',
      name: 'Pump stale',
      devices: 'pump-?',
      stale: 300,
      severity: 'medium'
    })
    const json = JSON.stringify({ rules }, null, 2)
    expect(parseRulesFile('/etc/lookout/rules.JSON', '\uFEFF' + json)).toEqual(rules)
    expect(parseRulesFile('/etc/lookout/rules.yml', 'rules: []\n')).toEqual([])
  })

  it('says at which line and column a JSON file stops being JSON', () => {
    const cases: Array<[string, string]> = [
      ['{\n  "rules": [\n    { "id": "a", }\n  ]\n}', 'line 3, column 18'],
      ['{"rules": [', 'line 1, column 12'], // ends too soon: at its end
      ['{"rules": [tru]}', 'line 1, column 15'],
      ['{"rules": [1.]}', 'line 1, column 14'],
      ['{"rules": ["a\\x"]}', 'line 1, column 15'],
      ['{"rules": []} x', 'line 1, column 15'],
      ['\n\n  {rules: []}', 'line 3, column 4']
    ]
    for (const [text, where] of cases)
      expect(fileError('r.json', text)).toBe(
        `alarm rules file r.json: not valid JSON (at ${where})`
      )
  })

  it('says at which line and column a YAML file stops being YAML', () => {
    expect(fileError('r.yaml', 'rules:\n  - id: [a\n')).toMatch(
      /^alarm rules file r\.yaml: not valid YAML \(\w+ at line \d+, column \d+\)$/
    )
    expect(fileError('r.yaml', 'rules: []\nrules: []\n')).toBe(
      'alarm rules file r.yaml: not valid YAML (DUPLICATE_KEY at line 2, column 1)'
    )
  })

  it('points at the field at fault in a YAML file, or at the rule lacking one', () => {
    const badValue = yaml.replace('above: 90', 'above: ninety')
    expect(fileError('r.yaml', badValue)).toBe(
      'alarm rules file r.yaml: rules[0] (tank-high) at line 6, column 12: above: expected a number'
    )
    const unknown = yaml.replace('    stale: 300', '    stale: 300\n    colour: red')
    expect(fileError('r.yaml', unknown)).toBe(
      'alarm rules file r.yaml: rules[1] (Pump stale) at line 11, column 5: colour: unknown field'
    )
    const missing = yaml.replace('    severity: medium\n', '')
    expect(fileError('r.yaml', missing)).toBe(
      'alarm rules file r.yaml: rules[1] (Pump stale) at line 8, column 5: severity: required'
    )
    const noCondition = yaml.replace('    stale: 300\n', '')
    expect(fileError('r.yaml', noCondition)).toMatch(
      /rules\[1\] \(Pump stale\) at line 8, column 5: condition: needs one of/
    )
    const nested = yaml.replace(
      '    severity: high',
      '    severity: high\n    escalate: { afterSeconds: -1, notify: all }'
    )
    expect(fileError('r.yaml', nested)).toBe(
      'alarm rules file r.yaml: rules[0] (tank-high) at line 8, column 31: escalate.afterSeconds: must be more than 0 seconds'
    )
    const duplicate = yaml.replace('name: Pump stale', 'id: tank-high\n    name: Pump stale')
    expect(fileError('r.yaml', duplicate)).toBe(
      'alarm rules file r.yaml: rules[1] (tank-high) at line 8, column 9: id: tank-high is already the id of rules[0]'
    )
    expect(fileError('r.yaml', 'rule:\n  - a\n')).toBe(
      'alarm rules file r.yaml: rule: unknown field (expected { "rules": [ … ] }) at line 1, column 1'
    )
    expect(fileError('r.yaml', '')).toBe(
      'alarm rules file r.yaml: expected an object { "rules": [ … ] }'
    )
  })

  it('points at the field at fault in a JSON file too', () => {
    const text = JSON.stringify(
      { rules: [good, { ...good, id: 'b', severity: 'urgent' }] },
      null,
      2
    )
    const line = text.split('\n').findIndex((l) => l.includes('"urgent"')) + 1
    expect(fileError('r.json', text)).toBe(
      `alarm rules file r.json: rules[1] (b) at line ${line}, column 19: severity: expected one of critical, high, medium, low`
    )
    const unknown = JSON.stringify({ rules: [{ ...good, colour: 'red' }] })
    expect(fileError('r.json', unknown)).toMatch(
      /^alarm rules file r\.json: rules\[0\] \(tank-high\) at line 1, column \d+: colour: unknown field$/
    )
    // A key twice is JSON (the last one wins) but not YAML: no place, still the field.
    const twice =
      '{"rules": [{"id": "a", "id": "a", "name": "n", "devices": "*", "field": "t", "above": 1, "severity": "x"}]}'
    expect(fileError('r.json', twice)).toBe(
      'alarm rules file r.json: rules[0] (a): severity: expected one of critical, high, medium, low'
    )
  })
})
