import { afterEach, describe, expect, it, vi } from 'vitest'

import { RuleIndex } from '../../../../src/main/core/alarms/rule-index'
import { engineWith, idOf, operator, report, rule, stateOf } from './engine-harness'

const quiet = rule({ id: 'quiet', field: undefined, above: undefined, stale: 60 })

describe('AlarmEngine: --max-alarms', () => {
  it('counts each alarm refused once, not each report or tick of it', () => {
    const { engine, clock } = engineWith([rule(), quiet], { maxAlarms: 2 })
    engine.evaluate([report('plc-1', { temp: 85 }), report('plc-2', { temp: 85 })])
    expect(engine.counters()).toMatchObject({ held: 2, refusedForLimit: 0, atLimit: true })
    for (let n = 0; n < 5; n++) engine.evaluate([report('plc-3', { temp: 85 })])
    expect(engine.counters().refusedForLimit).toBe(1)
    // Gone and back: a new alarm refused.
    engine.evaluate([report('plc-3', { temp: 70 })])
    engine.evaluate([report('plc-3', { temp: 85 })])
    expect(engine.counters().refusedForLimit).toBe(2)
    // Three devices going stale, checked every second.
    clock.advance(61_000)
    for (let n = 0; n < 5; n++) {
      engine.tick()
      clock.advance(1000)
    }
    expect(engine.counters().refusedForLimit).toBe(2 + 3)
  })

  it('lets an alarm held only for its on-delay give way to one that raises', () => {
    const { engine } = engineWith([rule(), rule({ id: 'slow', field: 'rpm', onDelay: 60 })], {
      maxAlarms: 2
    })
    engine.evaluate([report('plc-1', { rpm: 85 }), report('plc-2', { rpm: 85 })])
    expect(engine.counters()).toMatchObject({ held: 2, atLimit: true })
    expect(stateOf(engine, 'plc-3')).toBe('normal')
    engine.evaluate([report('plc-3', { temp: 85 })])
    expect(stateOf(engine, 'plc-3')).toBe('active-unacked')
    expect(engine.counters()).toMatchObject({ held: 2, evictedForLimit: 1, refusedForLimit: 0 })
    // One whose on-delay starts takes no one's place.
    engine.evaluate([report('plc-4', { rpm: 85 })])
    expect(engine.counters()).toMatchObject({ held: 2, evictedForLimit: 1, refusedForLimit: 1 })
    // Nor does a raised one give way.
    engine.evaluate([report('plc-5', { temp: 85 })])
    engine.evaluate([report('plc-6', { temp: 85 })])
    expect(engine.list().map((a) => a.device)).toEqual(['plc-3', 'plc-5'])
    expect(engine.counters()).toMatchObject({ evictedForLimit: 2, refusedForLimit: 2 })
  })
})

describe('AlarmEngine: values kept small', () => {
  it('cuts a long string to 1,000 characters in what it holds, sends and stores', () => {
    const { engine } = engineWith([
      rule({ id: 'status', field: 'status', above: undefined, notEquals: 'ok', notify: ['op'] })
    ])
    const long = 'x'.repeat(60_000)
    const raised = engine.evaluate([report('plc-1', { status: long })])
    const cut = 'x'.repeat(999) + '…'
    expect(raised.changed).toMatchObject([{ value: cut, currentValue: cut }])
    expect(raised.events[0]!.detail).toBe(cut)
    expect(raised.notifications[0]!.alarm.value).toBe(cut)
    expect(engine.persisted(idOf('plc-1', 'status'))).toMatchObject({ value: cut })
    // The same long string again has not moved.
    engine.evaluate([report('plc-1', { status: long })])
    expect(engine.tick().changed).toEqual([])
    const short = engine.evaluate([report('plc-1', { status: 'jammed' })])
    expect(engine.get(idOf('plc-1', 'status'))?.currentValue).toBe('jammed')
    expect(short.changed).toEqual([])
  })

  it('keeps objects stored before as their JSON text, cut likewise', () => {
    const first = engineWith([rule()]).engine
    first.evaluate([report('plc-1', { temp: 85 })])
    const stored = first.persisted(idOf('plc-1'))!
    const { engine } = engineWith([rule()])
    engine.restore(
      [{ ...stored, value: { level: 94 }, currentValue: [{ blob: 'y'.repeat(5000) }] }],
      []
    )
    const alarm = engine.get(idOf('plc-1'))!
    expect(alarm.value).toBe('{"level":94}')
    expect(alarm.currentValue).toBe('[{"blob":"' + 'y'.repeat(989) + '…')
  })
})

describe('AlarmEngine: devices it is told of, and forgets', () => {
  it('watches only the devices a stale rule covers, and lets go of those none covers any more', () => {
    const { engine, clock } = engineWith([rule({ ...quiet, devices: 'plc-*' })])
    engine.seeDevice('plc-1', clock.time)
    engine.seeDevice('line-1', clock.time)
    engine.evaluate([report('line-2', {}), report('plc-2', {})])
    expect(engine.counters().watchedDevices).toBe(2)
    engine.setRules([rule()])
    engine.tick()
    expect(engine.counters().watchedDevices).toBe(0)
  })

  it('forgets a device: its alarms leave as normal, its maintenance ends, its silence is not watched', () => {
    const { engine, clock } = engineWith([rule(), quiet])
    engine.seeDevice('plc-1', clock.time)
    engine.seeDevice('plc-2', clock.time)
    engine.evaluate([report('plc-1', { temp: 85 })])
    engine.setMaintenance('plc-1', { ...operator, minutes: 60 })
    const forgotten = engine.forgetDevice('plc-1')
    expect(forgotten.changed).toMatchObject([{ id: idOf('plc-1'), state: 'normal' }])
    expect(forgotten.maintenance).toEqual([
      { device: 'plc-1', until: null, comment: null, by: 'system' }
    ])
    expect(forgotten.events).toEqual([])
    expect(engine.maintenance()).toEqual([])
    expect(engine.counters()).toMatchObject({ held: 0, watchedDevices: 1 })
    clock.advance(61_000)
    expect(engine.tick().changed.map((a) => a.device)).toEqual(['plc-2'])
    expect(engine.forgetDevice('nobody')).toMatchObject({ changed: [], maintenance: [] })
  })
})

describe('AlarmEngine: what the clock costs', () => {
  afterEach(() => vi.restoreAllMocks())

  it('checks only the stale rules, and never works out a device’s full list of rules', () => {
    const rules = Array.from({ length: 2000 }, (_, n) => rule({ id: `r${n}`, devices: '*' }))
    const stale = { ...quiet, devices: '*' }
    const { engine, clock } = engineWith([...rules, stale], { maxAlarms: 20_000 })
    for (let d = 0; d < 2000; d++) engine.seeDevice(`dev-${d}`, clock.time)
    const forDevice = vi.spyOn(RuleIndex.prototype, 'forDevice')
    clock.advance(1000)
    engine.tick()
    // After a rule edit too: devices are matched again as they report, not all at the tick.
    engine.setRules([...rules.slice(1), rule({ id: 'r0', devices: '*', above: 90 }), stale])
    clock.advance(1000)
    expect(engine.tick().changed).toEqual([])
    expect(forDevice).not.toHaveBeenCalled()
    clock.advance(60_000)
    expect(engine.tick().changed).toHaveLength(2000)
    expect(forDevice).not.toHaveBeenCalled()
  })
})
