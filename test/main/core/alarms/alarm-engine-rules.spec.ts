import { describe, expect, it } from 'vitest'

import { engineWith, idOf, operator, report, rule, stateOf, types } from './engine-harness'

describe('AlarmEngine: rules changing', () => {
  it('puts a disabled rule out of service, follows its condition quietly, and brings back what holds', () => {
    const { engine } = engineWith([rule({ notify: ['op'] })])
    const acked = idOf('plc-1')
    const held = idOf('plc-3')
    engine.evaluate([report('plc-1', { temp: 85 }), report('plc-3', { temp: 85 })])
    engine.ack(acked, operator)
    const disabled = engine.setRules([rule({ notify: ['op'], enabled: false })])
    expect(disabled.events).toMatchObject([
      { type: 'out-of-service', alarm: acked, state: 'out-of-service', by: 'system' },
      { type: 'out-of-service', alarm: held, state: 'out-of-service' }
    ])
    expect(disabled.changed).toMatchObject([
      { id: acked, state: 'out-of-service' },
      { id: held, state: 'out-of-service' }
    ])
    // It makes no new alarm.
    expect(engine.evaluate([report('plc-2', { temp: 99 })]).changed).toEqual([])
    // It follows those it holds (whoever was told of a raise hears it cleared): the
    // acknowledged one clears and owes nothing; the other clears and raises again, announced
    // to nobody.
    const followed = engine.evaluate([
      report('plc-1', { temp: 10 }),
      report('plc-3', { temp: 70 }),
      report('plc-3', { temp: 90 })
    ])
    expect(types(followed)).toEqual(['cleared', 'cleared', 'raised'])
    expect(followed.notifications).toMatchObject([
      { kind: 'cleared', alarm: { id: acked } },
      { kind: 'cleared', alarm: { id: held } }
    ])
    expect(engine.get(acked)).toBeUndefined()
    expect(engine.get(held)).toMatchObject({ state: 'out-of-service', value: 90 })

    const enabled = engine.setRules([rule({ notify: ['op'] })])
    expect(enabled.events).toMatchObject([
      { type: 'in-service', alarm: held, state: 'active-unacked' }
    ])
    expect(enabled.notifications).toMatchObject([
      { kind: 'raised', targets: ['op'], alarm: { id: held, value: 90 } }
    ])
    expect(stateOf(engine, 'plc-1')).toBe('normal')
    expect(stateOf(engine, 'plc-2')).toBe('normal')
  })

  it('re-enabled, an alarm whose condition went while it was disabled is normal and pages nobody', () => {
    const { engine } = engineWith([rule({ notify: ['op'] })])
    const id = idOf('plc-1')
    engine.evaluate([report('plc-1', { temp: 85 })])
    engine.setRules([rule({ notify: ['op'], enabled: false })])
    engine.evaluate([report('plc-1', { temp: 70 })])
    expect(stateOf(engine, 'plc-1')).toBe('out-of-service')
    const enabled = engine.setRules([rule({ notify: ['op'] })])
    expect(enabled.events).toMatchObject([{ type: 'in-service', alarm: id, state: 'normal' }])
    expect(enabled.changed).toMatchObject([{ id, state: 'normal', currentValue: 70 }])
    expect(enabled.notifications).toEqual([])
    expect(engine.counters().held).toBe(0)
  })

  it('lets the delays of a disabled rule run, so it follows its condition as when enabled', () => {
    const { engine, clock } = engineWith([rule({ offDelay: 30 })])
    engine.evaluate([report('plc-1', { temp: 85 })])
    engine.ack(idOf('plc-1'), operator)
    engine.setRules([rule({ offDelay: 30, enabled: false })])
    engine.evaluate([report('plc-1', { temp: 70 })])
    clock.advance(30_000)
    expect(engine.tick().events).toMatchObject([{ type: 'cleared', state: 'normal' }])
    expect(engine.setRules([rule({ offDelay: 30 })]).changed).toEqual([])
  })

  it('lets a deleted rule’s alarms leave, sent once as normal', () => {
    const { engine } = engineWith([rule(), rule({ id: 'cold', above: undefined, below: 5 })])
    engine.evaluate([report('plc-1', { temp: 85 }), report('plc-2', { temp: 1 })])
    expect(engine.list()).toHaveLength(2)
    const output = engine.setRules([rule()])
    expect(output.changed).toMatchObject([{ id: idOf('plc-2', 'cold'), state: 'normal' }])
    expect(engine.list().map((a) => a.rule)).toEqual(['hot'])
    expect(engine.persisted(idOf('plc-2', 'cold'))).toBeUndefined()
    expect(engine.setRules([rule()]).changed).toEqual([])
    expect(engine.counters()).toMatchObject({ rules: 1, held: 1 })
  })

  it('keeps a changed rule’s alarms, renamed, and re-evaluates them from the next report', () => {
    const { engine } = engineWith([rule()])
    const id = idOf('plc-1')
    engine.evaluate([report('plc-1', { temp: 85 })])
    const renamed = engine.setRules([rule({ name: 'Boiler hot', severity: 'critical', above: 90 })])
    expect(renamed.changed).toMatchObject([
      { id, name: 'Boiler hot', severity: 'critical', state: 'active-unacked' }
    ])
    expect(renamed.events).toEqual([])
    expect(types(engine.evaluate([report('plc-1', { temp: 85 })]))).toEqual(['cleared'])
    // A rule's pattern that no longer covers the device: its alarm leaves.
    engine.evaluate([report('plc-1', { temp: 95 })])
    expect(engine.setRules([rule({ devices: 'line-*' })]).changed).toMatchObject([
      { id, state: 'normal' }
    ])
  })

  it('starts a running delay over when the rule changes', () => {
    const { engine, clock } = engineWith([rule({ onDelay: 10 })])
    engine.evaluate([report('plc-1', { temp: 85 })])
    clock.advance(5_000)
    engine.setRules([rule({ onDelay: 10, name: 'renamed' })])
    clock.advance(5_000)
    expect(engine.tick().events).toEqual([])
    expect(engine.counters().held).toBe(0)
  })
})

describe('AlarmEngine: escalation and notifications', () => {
  it('escalates once, still unacknowledged after the time, and tells all notified when it clears', () => {
    const { engine, clock } = engineWith([
      rule({ notify: ['op'], escalate: { afterSeconds: 60, notify: ['boss', 'op'] } })
    ])
    const id = idOf('plc-1')
    const raisedAt = clock.time
    engine.evaluate([report('plc-1', { temp: 85 })])
    clock.time = raisedAt + 59_999
    expect(engine.tick().notifications).toEqual([])
    clock.time = raisedAt + 60_000
    const escalated = engine.tick()
    expect(escalated.notifications).toMatchObject([
      { kind: 'escalated', targets: ['boss', 'op'], alarm: { id, state: 'active-unacked' } }
    ])
    expect(escalated.events).toMatchObject([
      { type: 'escalated', alarm: id, by: 'system', detail: ['boss', 'op'] }
    ])
    expect(escalated.changed).toMatchObject([{ id }])
    expect(engine.persisted(id)).toMatchObject({ escalated: true, notified: ['op', 'boss'] })
    clock.advance(600_000)
    expect(engine.tick().notifications).toEqual([])

    const cleared = engine.evaluate([report('plc-1', { temp: 70 })])
    expect(cleared.notifications).toMatchObject([{ kind: 'cleared', targets: ['op', 'boss'] }])
  })

  it('escalates a cleared-unacked alarm, never an acknowledged one; `all` absorbs lists', () => {
    const { engine, clock } = engineWith([
      rule({ notify: ['op'], escalate: { afterSeconds: 60, notify: 'all' } })
    ])
    engine.evaluate([report('plc-1', { temp: 85 }), report('plc-2', { temp: 85 })])
    engine.ack(idOf('plc-2'), operator)
    engine.evaluate([report('plc-1', { temp: 70 })])
    clock.advance(60_000)
    const escalated = engine.tick()
    expect(escalated.notifications).toMatchObject([
      { kind: 'escalated', targets: 'all', alarm: { device: 'plc-1', state: 'cleared-unacked' } }
    ])
    expect(engine.persisted(idOf('plc-1'))?.notified).toBe('all')
  })

  it('does not escalate while shelved', () => {
    const { engine, clock } = engineWith([
      rule({ escalate: { afterSeconds: 60, notify: ['boss'] } })
    ])
    engine.evaluate([report('plc-1', { temp: 85 })])
    engine.shelve(idOf('plc-1'), { ...operator, minutes: 5 })
    clock.advance(120_000)
    expect(engine.tick().notifications).toEqual([])
  })

  it('times escalation from the last annunciation: back from shelving, not at once', () => {
    const { engine, clock } = engineWith([
      rule({ escalate: { afterSeconds: 60, notify: ['boss'] } })
    ])
    const id = idOf('plc-1')
    engine.evaluate([report('plc-1', { temp: 85 })])
    engine.shelve(id, { ...operator, minutes: 10 })
    clock.advance(10 * 60_000)
    const back = engine.tick()
    expect(back.events).toMatchObject([{ type: 'unshelved', state: 'active-unacked' }])
    expect(back.notifications).toEqual([])
    clock.advance(59_999)
    expect(engine.tick().notifications).toEqual([])
    clock.advance(1)
    expect(engine.tick().notifications).toMatchObject([{ kind: 'escalated', targets: ['boss'] }])
    expect(engine.persisted(id)).toMatchObject({
      escalated: true,
      announcedAt: back.events[0]!.time
    })
  })

  it('escalates again an alarm announced again, after maintenance or re-enabling its rule', () => {
    const escalating = rule({ escalate: { afterSeconds: 60, notify: ['boss'] } })
    const { engine, clock } = engineWith([escalating])
    const id = idOf('plc-1')
    engine.evaluate([report('plc-1', { temp: 85 })])
    clock.advance(60_000)
    expect(types(engine.tick())).toEqual(['escalated'])

    engine.setMaintenance('plc-1', { ...operator, minutes: 5 })
    clock.advance(5 * 60_000)
    expect(types(engine.tick())).toEqual(['maintenance', 'in-service'])
    expect(engine.persisted(id)).toMatchObject({ escalated: false, announcedAt: clock.time })
    clock.advance(60_000)
    expect(types(engine.tick())).toEqual(['escalated'])

    engine.setRules([{ ...escalating, enabled: false }])
    clock.advance(60_000)
    engine.setRules([escalating])
    clock.advance(59_999)
    expect(engine.tick().events).toEqual([])
    clock.advance(1)
    expect(types(engine.tick())).toEqual(['escalated'])
  })

  it('tells nobody when the rule names nobody', () => {
    const { engine } = engineWith([rule({ notify: [] })])
    expect(engine.evaluate([report('plc-1', { temp: 85 })]).notifications).toEqual([])
    expect(engine.evaluate([report('plc-1', { temp: 70 })]).notifications).toEqual([])
  })
})

describe('AlarmEngine: limits and odd input', () => {
  it('holds at most maxAlarms, counting those refused', () => {
    const { engine } = engineWith([rule()], { maxAlarms: 3 })
    engine.evaluate([1, 2, 3, 4, 5].map((n) => report(`plc-${n}`, { temp: 85 })))
    expect(engine.list().map((a) => a.device)).toEqual(['plc-1', 'plc-2', 'plc-3'])
    expect(engine.counters()).toMatchObject({ held: 3, refusedForLimit: 2 })
    // One going normal makes room.
    engine.evaluate([report('plc-1', { temp: 70 })])
    engine.ack(idOf('plc-1'), operator)
    engine.evaluate([report('plc-5', { temp: 85 })])
    expect(stateOf(engine, 'plc-5')).toBe('active-unacked')
    expect(engine.counters()).toMatchObject({ held: 3, refusedForLimit: 2 })
  })

  it('counts what it cannot evaluate, and never throws on it', () => {
    const { engine } = engineWith([
      rule(),
      rule({ id: 'nested', field: 'boiler.temp' }),
      rule({ id: 'proto', field: '__proto__.x', above: 0 }),
      rule({ id: 'ctor', field: 'constructor', equals: 'x', above: undefined })
    ])
    const odd = [
      report('plc-1', {}),
      report('plc-1', { temp: '85' }),
      report('plc-1', { temp: NaN }),
      report('plc-1', { temp: { value: 85 } }),
      null,
      { time: 0, identity: 'x' },
      { device: 42, time: 0 }
    ] as never[]
    expect(() => engine.evaluate(odd)).not.toThrow()
    // 4 reports × 4 rules skipped, and 3 reports that are not reports.
    expect(engine.counters().notEvaluated).toBe(4 * 4 + 3)
    expect(engine.list()).toEqual([])

    const nested = engine.evaluate([report('plc-2', { boiler: { temp: 99 } })])
    expect(nested.changed).toMatchObject([{ rule: 'nested', device: 'plc-2', value: 99 }])
    expect(engine.counters().notEvaluated).toBe(4 * 4 + 3 + 3)
  })
})
