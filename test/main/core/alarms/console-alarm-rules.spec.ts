import { afterEach, describe, expect, it } from 'vitest'

import { ConsoleAlarmRules } from '../../../../src/main/core/alarms/console-alarm-rules'
import { NedbBackend } from '../../../../src/main/core/persistence/nedb/nedb-backend'
import type { AlarmRule } from '../../../../src/shared/alarm-types'
import { capturingLogger } from '../../../support/log-lines'
import { tempDirs } from '../../../support/temp-dir'

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

const tankHigh: AlarmRule = {
  id: 'tank-high',
  name: 'Tank high',
  devices: 'tank-*',
  field: 'level',
  above: 90,
  deadband: 2,
  severity: 'high',
  notify: ['phone-1'],
  escalate: { afterSeconds: 600, notify: 'all' }
}
const pumpStale: AlarmRule = {
  id: 'pump-stale',
  name: 'Pump stale',
  devices: 'pump-?',
  stale: 300,
  severity: 'medium'
}

describe('the console alarm rules', () => {
  it('keep what was created, replaced and deleted across a restart', async () => {
    const dataDir = await dirs.make()
    const rules = await ConsoleAlarmRules.open(new NedbBackend({ dataDir }))
    expect(rules.list()).toEqual([])
    await rules.create(tankHigh)
    await rules.create(pumpStale)
    expect(rules.list()).toEqual([pumpStale, tankHigh]) // by name

    // A replace is the whole rule: the fields it leaves out are gone, in memory and stored.
    const below: AlarmRule = {
      id: 'tank-high',
      name: 'Tank low',
      devices: 'tank-*',
      field: 'level',
      below: 10,
      severity: 'low'
    }
    await rules.replace('tank-high', below)
    expect(rules.get('tank-high')).toEqual(below)

    const reopened = await ConsoleAlarmRules.open(new NedbBackend({ dataDir }))
    expect(reopened.list()).toEqual([pumpStale, below])
    await reopened.remove('pump-stale')
    expect((await ConsoleAlarmRules.open(new NedbBackend({ dataDir }))).list()).toEqual([below])
  })

  it('refuse a taken id, an unknown one, and two rules of one id', async () => {
    const rules = await ConsoleAlarmRules.open(new NedbBackend({ dataDir: await dirs.make() }))
    await rules.create(tankHigh)
    // Both asked for at once: the second finds the first's id taken, before any write.
    const [first, second] = await Promise.allSettled([
      rules.create(pumpStale),
      rules.create(pumpStale)
    ])
    expect(first.status).toBe('fulfilled')
    expect(second).toMatchObject({ status: 'rejected', reason: { code: 'conflict' } })
    await expect(rules.replace('nope', { ...tankHigh, id: 'nope' })).rejects.toMatchObject({
      code: 'not_found'
    })
    await expect(rules.replace('tank-high', pumpStale)).rejects.toMatchObject({
      code: 'bad_request'
    })
    await expect(rules.remove('nope')).rejects.toMatchObject({ code: 'not_found' })
    await expect(rules.replaceAll([tankHigh, tankHigh])).rejects.toMatchObject({
      code: 'bad_request'
    })
    expect(rules.list()).toEqual([pumpStale, tankHigh])
  })

  it('replace every rule at once, for good', async () => {
    const dataDir = await dirs.make()
    const rules = await ConsoleAlarmRules.open(new NedbBackend({ dataDir }))
    await rules.create(tankHigh)
    await rules.replaceAll([pumpStale])
    expect(rules.list()).toEqual([pumpStale])
    expect((await ConsoleAlarmRules.open(new NedbBackend({ dataDir }))).list()).toEqual([pumpStale])
    await rules.replaceAll([])
    expect((await ConsoleAlarmRules.open(new NedbBackend({ dataDir }))).list()).toEqual([])
  })

  it('leave out, with a warning, a stored rule this version does not take', async () => {
    const dataDir = await dirs.make()
    const ds = await new NedbBackend({ dataDir }).collection<object>('alarm-rules')
    await ds.insert([
      tankHigh,
      { id: 'odd', name: 'Odd', devices: '*', above: 1, severity: 'dire' }
    ])
    const { logger, lines } = capturingLogger()
    const rules = await ConsoleAlarmRules.open(new NedbBackend({ dataDir }), logger)
    expect(rules.list()).toEqual([tankHigh])
    expect(lines).toContainEqual(
      expect.objectContaining({
        rule: 'odd',
        reason: 'severity: expected one of critical, high, medium, low'
      })
    )
  })

  it('hand out copies: changing one changes no rule', async () => {
    const rules = await ConsoleAlarmRules.open(new NedbBackend({ dataDir: await dirs.make() }))
    const given = structuredClone(tankHigh)
    await rules.create(given)
    given.name = 'changed by the caller'
    rules.list()[0]!.escalate!.afterSeconds = 1
    expect(rules.get('tank-high')).toEqual(tankHigh)
  })
})
