import { describe, expect, it } from 'vitest'

import { engineWith, idOf, operator, report, rule, stateOf, types } from './engine-harness'

const MINUTE = 60_000

describe('AlarmEngine: restore', () => {
  it('brings back acknowledged, shelved and in-maintenance alarms as they were', () => {
    const rules = [rule({ notify: ['op'] })]
    const before = engineWith(rules)
    const first = before.engine
    first.evaluate(['plc-1', 'plc-2', 'plc-3'].map((d) => report(d, { temp: 85 })))
    first.ack(idOf('plc-1'), { ...operator, comment: 'seen' })
    first.shelve(idOf('plc-2'), { ...operator, minutes: 30 })
    first.setMaintenance('plc-3', { ...operator, minutes: 60 })
    const stored = ['plc-1', 'plc-2', 'plc-3'].map((d) => first.persisted(idOf(d))!)
    expect(stored[0]).toMatchObject({ active: true, acked: true, notified: ['op'] })

    const { engine, clock } = engineWith(rules)
    clock.time = before.clock.time
    engine.restore(stored, first.maintenance())
    expect(engine.list()).toEqual(first.list())
    expect(engine.persisted(idOf('plc-1'))).toEqual(stored[0])
    expect(engine.maintenance()).toEqual(first.maintenance())

    // It goes on where it stopped: the acked one clears to normal, and tells who was told.
    const cleared = engine.evaluate([report('plc-1', { temp: 70 })])
    expect(cleared.changed).toMatchObject([{ id: idOf('plc-1'), state: 'normal' }])
    expect(cleared.notifications).toMatchObject([{ kind: 'cleared', targets: ['op'] }])
    // The shelved one returns, still active, when its shelving ends.
    clock.advance(30 * MINUTE)
    const unshelved = engine.tick()
    expect(unshelved.events).toMatchObject([{ type: 'unshelved', state: 'active-unacked' }])
    // The one in maintenance comes back with it.
    clock.advance(30 * MINUTE)
    expect(types(engine.tick())).toEqual(['maintenance', 'in-service'])
    expect(stateOf(engine, 'plc-3')).toBe('active-unacked')
  })

  it('does not escalate again an alarm that escalated before the restart', () => {
    const rules = [rule({ escalate: { afterSeconds: 60, notify: ['boss'] } })]
    const before = engineWith(rules)
    before.engine.evaluate([report('plc-1', { temp: 85 })])
    before.clock.advance(60_000)
    expect(types(before.engine.tick())).toEqual(['escalated'])
    const stored = before.engine.persisted(idOf('plc-1'))!
    expect(stored).toMatchObject({ escalated: true, notified: ['boss'] })

    const { engine, clock } = engineWith(rules)
    clock.time = before.clock.time + 60_000
    engine.restore([stored], [])
    expect(engine.tick().events).toEqual([])
    // …and tells the escalation's targets when it clears.
    expect(engine.evaluate([report('plc-1', { temp: 70 })]).notifications).toMatchObject([
      { kind: 'cleared', targets: ['boss'] }
    ])
  })

  it('does not keep a delay that was running, nor alarms of rules no longer in force', () => {
    const gone = rule({ id: 'gone' })
    const first = engineWith([rule(), gone]).engine
    first.evaluate([report('plc-1', { temp: 85 })])
    const stored = first.list().map((a) => first.persisted(a.id)!)
    expect(stored.map((a) => a.rule)).toEqual(['hot', 'gone'])

    const { engine } = engineWith([rule({ onDelay: 10 })])
    engine.restore(stored, [])
    expect(engine.list().map((a) => a.id)).toEqual([idOf('plc-1')])
  })

  it('drops a maintenance that ended while it was down, silently, leaving the alarms as stored', () => {
    const rules = [rule({ notify: ['op'] })]
    const before = engineWith(rules)
    before.engine.evaluate([report('plc-1', { temp: 85 })])
    before.engine.ack(idOf('plc-1'), operator)
    before.engine.setMaintenance('plc-1', { ...operator, minutes: 60 })
    const stored = [before.engine.persisted(idOf('plc-1'))!]
    const maintenance = before.engine.maintenance()

    const { engine, clock } = engineWith(rules)
    clock.time = before.clock.time + 60 * MINUTE
    expect(engine.restore(stored, maintenance)).toEqual({
      droppedAlarms: [],
      droppedMaintenance: ['plc-1']
    })
    expect(engine.maintenance()).toEqual([])
    expect(engine.get(idOf('plc-1'))).toMatchObject({
      state: 'active-acked',
      ackedBy: 'operator',
      maintenanceUntil: null
    })
    const ticked = engine.tick()
    expect(ticked.events).toEqual([])
    expect(ticked.notifications).toEqual([])
  })

  it('times the escalation of an alarm raised during that maintenance from the restart', () => {
    const rules = [rule({ escalate: { afterSeconds: 60, notify: ['boss'] } })]
    const before = engineWith(rules)
    before.engine.setMaintenance('plc-1', { ...operator, minutes: 60 })
    before.engine.evaluate([report('plc-1', { temp: 85 })])
    const stored = [before.engine.persisted(idOf('plc-1'))!]
    expect(stored[0]).toMatchObject({ state: 'out-of-service', announcedAt: null })

    const { engine, clock } = engineWith(rules)
    clock.time = before.clock.time + 2 * 60 * MINUTE
    engine.restore(stored, before.engine.maintenance())
    expect(stateOf(engine, 'plc-1')).toBe('active-unacked')
    clock.advance(59_999)
    expect(engine.tick().events).toEqual([])
    clock.advance(1)
    expect(types(engine.tick())).toEqual(['escalated'])
  })

  it('drops alarms whose rule no longer covers their device, and says which', () => {
    const first = engineWith([rule()]).engine
    first.evaluate(['plc-1', 'line-1'].map((d) => report(d, { temp: 85 })))
    first.setRules([rule({ devices: '*' })])
    const stored = first.list().map((a) => first.persisted(a.id)!)
    expect(stored).toHaveLength(1)
    first.evaluate([report('line-1', { temp: 85 })])
    const both = first.list().map((a) => first.persisted(a.id)!)

    const { engine } = engineWith([rule({ devices: 'line-*' })])
    expect(engine.restore(both, []).droppedAlarms).toEqual([idOf('plc-1')])
    expect(engine.list().map((a) => a.device)).toEqual(['line-1'])
  })

  it('takes back a record stored before announcedAt was kept: escalation from its raise', () => {
    const rules = [rule({ escalate: { afterSeconds: 60, notify: ['boss'] } })]
    const before = engineWith(rules)
    before.engine.evaluate([report('plc-1', { temp: 85 })])
    const { announcedAt, chattering, ...older } = before.engine.persisted(idOf('plc-1'))!
    expect([announcedAt, chattering]).toEqual([before.clock.time, false])

    const { engine, clock } = engineWith(rules)
    clock.time = before.clock.time + 30_000
    engine.restore([older], [])
    expect(engine.persisted(idOf('plc-1'))).toMatchObject({ announcedAt: before.clock.time })
    expect(engine.tick().events).toEqual([])
    clock.advance(30_000)
    expect(types(engine.tick())).toEqual(['escalated'])
  })

  it('respects maxAlarms when restoring', () => {
    const first = engineWith([rule()]).engine
    first.evaluate(['plc-1', 'plc-2', 'plc-3'].map((d) => report(d, { temp: 85 })))
    const stored = first.list().map((a) => first.persisted(a.id)!)
    const { engine } = engineWith([rule()], { maxAlarms: 2 })
    expect(engine.restore(stored, []).droppedAlarms).toEqual([stored[2]!.id])
    expect(engine.counters()).toMatchObject({ held: 2, refusedForLimit: 1 })
  })
})
