import { describe, expect, it } from 'vitest'

import { engineWith, idOf, report, rule, stateOf, types } from './engine-harness'

const quiet = rule({ id: 'quiet', field: undefined, above: undefined, stale: 60 })

describe('AlarmEngine: re-evaluating stored reports', () => {
  it('raises and clears as a report would', () => {
    const { engine } = engineWith([rule({ notify: ['op'] })])
    const raised = engine.reevaluate([report('plc-1', { temp: 85 })])
    expect(types(raised)).toEqual(['raised'])
    expect(raised.changed).toMatchObject([{ id: idOf('plc-1'), value: 85 }])
    expect(raised.notifications).toMatchObject([{ kind: 'raised', targets: ['op'] }])
    expect(types(engine.reevaluate([report('plc-1', { temp: 70 })]))).toEqual(['cleared'])
  })

  it('leaves the stale timers alone: an old report is no news of the device', () => {
    const { engine, clock } = engineWith([rule(), quiet])
    engine.seeDevice('plc-1', clock.time)
    clock.advance(50_000)
    engine.reevaluate([report('plc-1', { temp: 70 })])
    clock.advance(10_001)
    expect(engine.tick().changed).toMatchObject([{ id: idOf('plc-1', 'quiet') }])
    // Nor does it clear the stale alarm.
    expect(engine.reevaluate([report('plc-1', { temp: 70 })]).events).toEqual([])
    expect(stateOf(engine, 'plc-1', 'quiet')).toBe('active-unacked')
    // A device only re-evaluated is not watched.
    engine.reevaluate([report('plc-2', { temp: 70 })])
    expect(engine.counters().watchedDevices).toBe(1)
  })

  it('does not count again what it cannot evaluate', () => {
    const { engine } = engineWith([rule()])
    engine.evaluate([report('plc-1', { temp: 'hot' })])
    engine.reevaluate([report('plc-1', { temp: 'hot' }), null as never])
    expect(engine.counters().notEvaluated).toBe(1)
  })
})
