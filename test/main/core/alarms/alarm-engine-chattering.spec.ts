import { describe, expect, it } from 'vitest'

import { CHATTERING } from '../../../../src/main/core/alarms/alarm-engine'
import { engineWith, idOf, operator, report, rule, stateOf, types } from './engine-harness'

const MINUTE = 60_000
const hot = report('plc-1', { temp: 85 })
const cool = report('plc-1', { temp: 70 })

describe('AlarmEngine: chattering', () => {
  it('is ISA-18.2’s: more than 10 raises within 60 s shelve the alarm for 10 minutes', () => {
    expect(CHATTERING).toEqual({ maxRaises: 10, windowMs: 60_000, shelveMs: 600_000 })
  })

  it('shelves an alarm raised an 11th time within 60 s, by the system, announcing nothing', () => {
    const { engine, clock } = engineWith([rule({ notify: ['op'] })])
    const id = idOf('plc-1')
    let pages = 0
    for (let n = 0; n < 10; n++) {
      const raised = engine.evaluate([hot])
      expect(types(raised)).toEqual(['raised'])
      pages += raised.notifications.length
      engine.evaluate([cool])
      clock.advance(5_000)
    }
    expect(pages).toBe(10)
    // 50 s after the first.
    const comment = 'chattering: 11 raises in 60 s'
    const eleventh = engine.evaluate([hot])
    expect(eleventh.events).toMatchObject([
      { type: 'raised', alarm: id, state: 'shelved' },
      {
        type: 'shelved',
        alarm: id,
        state: 'shelved',
        by: 'system',
        via: 'system',
        comment,
        detail: { minutes: 10 }
      }
    ])
    expect(eleventh.notifications).toEqual([])
    const until = clock.time + 10 * MINUTE
    expect(eleventh.changed).toMatchObject([{ id, state: 'shelved', shelvedUntil: until, comment }])
    expect(engine.persisted(id)).toMatchObject({ chattering: true })

    // Shelved, it is followed quietly: no audit event, no page, sent at most once a tick.
    let output = 0
    for (let n = 0; n < 1000; n++) {
      for (const next of [cool, hot]) {
        const out = engine.evaluate([next])
        output += out.events.length + out.notifications.length + out.changed.length
      }
      clock.advance(100)
    }
    expect(output).toBe(0)
    expect(engine.tick().changed).toMatchObject([{ id, state: 'shelved', comment }])
    expect(engine.tick().changed).toEqual([])
    engine.evaluate([cool])
    expect(engine.tick().changed).toMatchObject([{ id, state: 'shelved', currentValue: 70 }])

    // The shelving ends: what holds then is shown, as after any shelving.
    engine.evaluate([hot])
    clock.time = until
    const back = engine.tick()
    expect(back.events).toMatchObject([
      { type: 'unshelved', state: 'active-unacked', by: 'system' }
    ])
    expect(back.notifications).toMatchObject([{ kind: 'raised', targets: ['op'] }])
    expect(engine.persisted(id)).toMatchObject({ chattering: false, shelvedUntil: null })
    expect(types(engine.evaluate([cool]))).toEqual(['cleared'])
  })

  it('lets 10 raises within 60 s pass, and 11 spread over more than 60 s', () => {
    const { engine, clock } = engineWith([rule()])
    for (let n = 0; n < 30; n++) {
      expect(types(engine.evaluate([hot]))).toEqual(['raised'])
      engine.evaluate([cool])
      clock.advance(6_000)
    }
    expect(stateOf(engine, 'plc-1')).toBe('cleared-unacked')
  })

  it('does not count re-evaluations', () => {
    const { engine } = engineWith([rule()])
    for (let n = 0; n < 30; n++) {
      expect(types(engine.reevaluate([hot]))).toEqual(['raised'])
      engine.reevaluate([cool])
    }
    expect(stateOf(engine, 'plc-1')).toBe('cleared-unacked')
  })

  it('counts the raises of an alarm that leaves memory between them', () => {
    const { engine } = engineWith([rule()])
    const id = idOf('plc-1')
    for (let n = 0; n < 10; n++) {
      engine.evaluate([hot])
      engine.ack(id, operator)
      engine.evaluate([cool])
      expect(engine.counters().held).toBe(0)
    }
    expect(types(engine.evaluate([hot]))).toEqual(['raised', 'shelved'])
  })

  it('hands over to an operator who shelves it: its transitions are recorded again', () => {
    const { engine } = engineWith([rule()])
    const id = idOf('plc-1')
    for (let n = 0; n < 11; n++) engine.evaluate([hot, cool])
    expect(stateOf(engine, 'plc-1')).toBe('shelved')
    expect(engine.evaluate([hot]).events).toEqual([])
    engine.shelve(id, { ...operator, minutes: 60, comment: 'sensor loose' })
    expect(engine.persisted(id)).toMatchObject({ chattering: false, comment: 'sensor loose' })
    expect(types(engine.evaluate([cool]))).toEqual(['cleared'])
  })
})
