import { describe, expect, it } from 'vitest'

import { RuleIndex } from '../../../../src/main/core/alarms/rule-index'
import { rule } from './engine-harness'

const quiet = rule({ id: 'quiet', field: undefined, above: undefined, stale: 60 })

describe('RuleIndex', () => {
  it('keeps the `stale` rules apart, enabled or not, for the clock to check', () => {
    const index = new RuleIndex([
      rule({ devices: '*' }),
      quiet,
      rule({
        id: 'off',
        devices: '*',
        field: undefined,
        above: undefined,
        stale: 5,
        enabled: false
      }),
      rule({ id: 'line', devices: 'line-*' })
    ])
    expect(index.forDevice('plc-1').map((r) => r.info.id)).toEqual(['hot', 'quiet', 'off'])
    expect(index.staleFor('plc-1').map((r) => r.info.id)).toEqual(['quiet', 'off'])
    expect(index.staleFor('line-1').map((r) => r.info.id)).toEqual(['off'])
    expect(index.hasStale).toBe(true)
    expect(new RuleIndex([rule()]).hasStale).toBe(false)
  })

  it('takes the last of rules given twice the same id, in the place of the first', () => {
    const index = new RuleIndex([rule(), rule({ id: 'b' }), rule({ name: 'again' })])
    expect(index.size).toBe(2)
    expect(index.forDevice('plc-1').map((r) => [r.info.id, r.info.name])).toEqual([
      ['hot', 'again'],
      ['b', 'Too hot']
    ])
  })
})
