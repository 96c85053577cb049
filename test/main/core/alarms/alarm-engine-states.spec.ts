import { describe, expect, it } from 'vitest'

import { engineWith, idOf, operator, report, rule, stateOf, types } from './engine-harness'

describe('AlarmEngine: the states of an alarm', () => {
  it('goes normal → active-unacked → active-acked → normal', () => {
    const { engine, clock } = engineWith([rule({ notify: ['phone-1'] })])
    const id = idOf('plc-1')
    expect(engine.evaluate([report('plc-1', { temp: 70 })])).toEqual({
      changed: [],
      events: [],
      notifications: [],
      flood: null,
      maintenance: []
    })
    expect(engine.counters().held).toBe(0)

    clock.advance(1000)
    const raisedAt = clock.time
    const raised = engine.evaluate([report('plc-1', { temp: 85 })])
    expect(raised.changed).toEqual([
      {
        id,
        rule: 'hot',
        name: 'Too hot',
        device: 'plc-1',
        severity: 'high',
        state: 'active-unacked',
        value: 85,
        currentValue: 85,
        raisedAt,
        clearedAt: null,
        ackedBy: null,
        ackedAt: null,
        comment: null,
        shelvedUntil: null,
        maintenanceUntil: null,
        firstOut: false,
        silenced: false,
        updatedAt: raisedAt
      }
    ])
    expect(raised.events).toEqual([
      {
        time: raisedAt,
        type: 'raised',
        alarm: id,
        rule: 'hot',
        device: 'plc-1',
        severity: 'high',
        state: 'active-unacked',
        by: 'system',
        via: 'system',
        comment: null,
        detail: 85
      }
    ])
    expect(raised.notifications).toHaveLength(1)
    expect(raised.notifications[0]).toMatchObject({
      kind: 'raised',
      targets: ['phone-1'],
      alarm: { id, state: 'active-unacked', value: 85 }
    })
    expect(engine.list().map((a) => a.id)).toEqual([id])

    clock.advance(1000)
    const acked = engine.ack(id, { ...operator, comment: 'on it' })
    expect(acked.changed).toMatchObject([
      { id, state: 'active-acked', ackedBy: 'operator', ackedAt: clock.time, comment: 'on it' }
    ])
    expect(acked.events).toMatchObject([
      { type: 'acked', state: 'active-acked', by: 'operator', via: 'console', comment: 'on it' }
    ])

    clock.advance(1000)
    const cleared = engine.evaluate([report('plc-1', { temp: 60 })])
    expect(cleared.changed).toMatchObject([{ id, state: 'normal', clearedAt: clock.time }])
    expect(cleared.events).toMatchObject([{ type: 'cleared', state: 'normal', detail: 60 }])
    expect(cleared.notifications).toMatchObject([{ kind: 'cleared', targets: ['phone-1'] }])
    expect(engine.list()).toEqual([])
    expect(engine.get(id)).toBeUndefined()
    expect(engine.persisted(id)).toBeUndefined()
    expect(engine.counters().held).toBe(0)
  })

  it('goes active-unacked → cleared-unacked, and an ack makes it normal', () => {
    const { engine, clock } = engineWith([rule()])
    const id = idOf('plc-1')
    engine.evaluate([report('plc-1', { temp: 85 })])
    clock.advance(5000)
    const cleared = engine.evaluate([report('plc-1', { temp: 70 })])
    expect(cleared.changed).toMatchObject([
      { id, state: 'cleared-unacked', clearedAt: clock.time, value: 85, currentValue: 70 }
    ])
    expect(types(cleared)).toEqual(['cleared'])
    // Nobody was notified: nobody is told it cleared.
    expect(cleared.notifications).toEqual([])
    expect(engine.persisted(id)).toMatchObject({ active: false, acked: false })

    const acked = engine.ack(id, operator)
    expect(acked.changed).toMatchObject([{ id, state: 'normal', ackedBy: 'operator' }])
    expect(acked.events).toMatchObject([{ type: 'acked', state: 'normal', comment: null }])
    expect(engine.list()).toEqual([])
    expect(engine.counters().held).toBe(0)
  })

  it('raises again from cleared-unacked, as a new raise', () => {
    const { engine, clock } = engineWith([rule()])
    const id = idOf('plc-1')
    engine.evaluate([report('plc-1', { temp: 85 })])
    engine.silence(id, operator)
    clock.advance(1000)
    engine.evaluate([report('plc-1', { temp: 70 })])
    expect(stateOf(engine, 'plc-1')).toBe('cleared-unacked')
    clock.advance(1000)
    const again = engine.evaluate([report('plc-1', { temp: 95 })])
    expect(types(again)).toEqual(['raised'])
    expect(again.changed).toMatchObject([
      {
        id,
        state: 'active-unacked',
        value: 95,
        raisedAt: clock.time,
        clearedAt: null,
        silenced: false
      }
    ])
  })

  it('changes nothing on a further raising reading, and sends a moved value once at the tick', () => {
    const { engine, clock } = engineWith([rule()])
    const id = idOf('plc-1')
    engine.evaluate([report('plc-1', { temp: 85 })])
    const raisedAt = clock.time
    clock.advance(1000)
    for (const temp of [86, 87, 88]) {
      const output = engine.evaluate([report('plc-1', { temp })])
      expect(output.changed).toEqual([])
      expect(output.events).toEqual([])
    }
    expect(engine.get(id)).toMatchObject({ value: 85, currentValue: 88, raisedAt })
    const ticked = engine.tick()
    expect(ticked.changed).toMatchObject([{ id, currentValue: 88, value: 85 }])
    expect(ticked.events).toEqual([])
    expect(engine.tick().changed).toEqual([])
    // The same value again has not moved.
    engine.evaluate([report('plc-1', { temp: 88 })])
    expect(engine.tick().changed).toEqual([])
  })

  it('holds inside the deadband: neither raising from normal nor clearing when active', () => {
    const { engine } = engineWith([rule({ above: 80, deadband: 5 })])
    engine.evaluate([report('plc-1', { temp: 78 })])
    expect(stateOf(engine, 'plc-1')).toBe('normal')
    engine.evaluate([report('plc-1', { temp: 81 })])
    expect(stateOf(engine, 'plc-1')).toBe('active-unacked')
    for (const temp of [79, 76, 75.5, 80]) {
      expect(engine.evaluate([report('plc-1', { temp })]).events).toEqual([])
      expect(stateOf(engine, 'plc-1')).toBe('active-unacked')
    }
    expect(types(engine.evaluate([report('plc-1', { temp: 75 })]))).toEqual(['cleared'])
  })

  it('raises after the on-delay, and a reading in between starts it over', () => {
    const { engine, clock } = engineWith([rule({ onDelay: 10, deadband: 5 })])
    const start = clock.time
    engine.evaluate([report('plc-1', { temp: 85 })])
    expect(stateOf(engine, 'plc-1')).toBe('normal')
    expect(engine.list()).toEqual([])
    clock.advance(9_999)
    expect(engine.tick().events).toEqual([])
    clock.advance(1)
    const raised = engine.tick()
    expect(types(raised)).toEqual(['raised'])
    expect(raised.changed).toMatchObject([{ state: 'active-unacked', raisedAt: start + 10_000 }])

    // A clearing reading during the delay starts it over.
    engine.evaluate([report('plc-2', { temp: 85 })])
    clock.advance(5_000)
    engine.evaluate([report('plc-2', { temp: 60 })])
    clock.advance(5_000)
    expect(engine.tick().events).toEqual([])
    // So does one inside the deadband (neither condition holds).
    engine.evaluate([report('plc-2', { temp: 85 })])
    clock.advance(5_000)
    engine.evaluate([report('plc-2', { temp: 78 })])
    clock.advance(5_000)
    expect(engine.tick().events).toEqual([])
    expect(stateOf(engine, 'plc-2')).toBe('normal')

    // A report after the delay raises at once, with its value.
    engine.evaluate([report('plc-2', { temp: 85 })])
    clock.advance(10_000)
    const onReport = engine.evaluate([report('plc-2', { temp: 91 })])
    expect(onReport.changed).toMatchObject([{ device: 'plc-2', value: 91, raisedAt: clock.time }])
  })

  it('clears after the off-delay, and a raising reading in between starts it over', () => {
    const { engine, clock } = engineWith([rule({ offDelay: 30 })])
    engine.evaluate([report('plc-1', { temp: 85 })])
    engine.ack(idOf('plc-1'), operator)
    clock.advance(1000)
    engine.evaluate([report('plc-1', { temp: 70 })])
    expect(stateOf(engine, 'plc-1')).toBe('active-acked')
    clock.advance(20_000)
    engine.evaluate([report('plc-1', { temp: 90 })])
    clock.advance(20_000)
    expect(engine.tick().events).toEqual([])
    engine.evaluate([report('plc-1', { temp: 70 })])
    const gone = clock.time
    clock.advance(29_999)
    expect(engine.tick().events).toEqual([])
    clock.advance(1)
    const cleared = engine.tick()
    expect(cleared.events).toMatchObject([{ type: 'cleared', state: 'normal', detail: 70 }])
    expect(cleared.changed).toMatchObject([{ state: 'normal', clearedAt: gone + 30_000 }])
    expect(engine.counters().held).toBe(0)
  })

  it('stale: raises for a device silent for more than the limit, and clears on its report', () => {
    const stale = rule({ id: 'quiet', field: undefined, above: undefined, stale: 60 })
    const { engine, clock } = engineWith([stale])
    const start = clock.time
    engine.seeDevice('plc-1', start)
    engine.seeDevice('other-1', start) // not covered by the rule
    engine.evaluate([report('plc-2', {})])
    clock.advance(60_000)
    expect(engine.tick().events).toEqual([])
    clock.advance(1)
    const raised = engine.tick()
    expect(raised.changed.map((a) => a.device).sort()).toEqual(['plc-1', 'plc-2'])
    expect(raised.changed).toMatchObject([
      { state: 'active-unacked', value: null },
      { state: 'active-unacked', value: null }
    ])
    expect(engine.tick().events).toEqual([])
    // plc-3 was never seen: the rule does not know it.
    expect(stateOf(engine, 'plc-3', 'quiet')).toBe('normal')

    const cleared = engine.evaluate([report('plc-1', { temp: 1 })])
    expect(cleared.events).toMatchObject([
      { type: 'cleared', device: 'plc-1', state: 'cleared-unacked' }
    ])
    // It reported: it is not stale again until another minute passes.
    clock.advance(60_000)
    expect(engine.tick().events).toEqual([])
    clock.advance(1)
    expect(engine.tick().events).toMatchObject([{ type: 'raised', device: 'plc-1' }])
  })

  it('stale: a seen time only moves forward', () => {
    const stale = rule({ id: 'quiet', field: undefined, above: undefined, stale: 60 })
    const { engine, clock } = engineWith([stale])
    engine.seeDevice('plc-1', clock.time)
    engine.seeDevice('plc-1', clock.time - 3_600_000)
    clock.advance(30_000)
    expect(engine.tick().events).toEqual([])
  })

  it('equals and notEquals on strings', () => {
    const { engine } = engineWith([
      rule({ id: 'fault', field: 'state', above: undefined, equals: 'fault' }),
      rule({ id: 'mode', field: 'mode', above: undefined, notEquals: 'running' })
    ])
    engine.evaluate([report('plc-1', { state: 'ok', mode: 'running' })])
    expect(engine.list()).toEqual([])
    const both = engine.evaluate([report('plc-1', { state: 'fault', mode: 'jammed' })])
    expect(both.changed).toMatchObject([
      { rule: 'fault', state: 'active-unacked', value: 'fault' },
      { rule: 'mode', state: 'active-unacked', value: 'jammed' }
    ])
    const back = engine.evaluate([report('plc-1', { state: 'ok', mode: 'running' })])
    expect(back.changed).toMatchObject([
      { rule: 'fault', state: 'cleared-unacked' },
      { rule: 'mode', state: 'cleared-unacked' }
    ])
  })

  it('evaluates only the rules whose pattern covers the device', () => {
    const { engine } = engineWith([
      rule({ id: 'hot', devices: 'plc-*' }),
      rule({ id: 'hot-line', devices: 'line-?' })
    ])
    engine.evaluate([report('line-1', { temp: 99 }), report('line-12', { temp: 99 })])
    expect(engine.list().map((a) => [a.rule, a.device])).toEqual([['hot-line', 'line-1']])
  })
})
