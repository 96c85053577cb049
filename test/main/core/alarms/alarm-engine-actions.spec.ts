import { describe, expect, it } from 'vitest'

import { OperationError } from '../../../../src/main/core/operations/operation-error'
import { engineWith, idOf, operator, report, rule, stateOf, types } from './engine-harness'

const MINUTE = 60_000

function codeOf(action: () => unknown): string | undefined {
  try {
    action()
  } catch (error) {
    expect(error).toBeInstanceOf(OperationError)
    return (error as OperationError).code
  }
  return undefined
}

describe('AlarmEngine: acknowledging', () => {
  it('answers not_found for an unknown alarm, and for one that is normal', () => {
    const { engine } = engineWith([rule()])
    expect(codeOf(() => engine.ack('nope', operator))).toBe('not_found')
    engine.evaluate([report('plc-1', { temp: 70 })])
    expect(codeOf(() => engine.ack(idOf('plc-1'), operator))).toBe('not_found')
    expect(codeOf(() => engine.shelve('nope', { ...operator, minutes: 5 }))).toBe('not_found')
    expect(codeOf(() => engine.unshelve('nope', operator))).toBe('not_found')
    expect(codeOf(() => engine.silence('nope', operator))).toBe('not_found')
  })

  it('answers conflict when there is nothing to acknowledge', () => {
    const { engine } = engineWith([rule()])
    const id = idOf('plc-1')
    engine.evaluate([report('plc-1', { temp: 85 })])
    engine.ack(id, operator)
    expect(codeOf(() => engine.ack(id, operator))).toBe('conflict')
    expect(stateOf(engine, 'plc-1')).toBe('active-acked')
  })

  it('requires a comment when the rule says so', () => {
    const { engine } = engineWith([rule({ commentRequired: true })])
    const id = idOf('plc-1')
    engine.evaluate([report('plc-1', { temp: 85 })])
    for (const comment of [undefined, '', '   ']) {
      expect(() => engine.ack(id, { ...operator, comment })).toThrow(
        'comment: required by this rule'
      )
      expect(codeOf(() => engine.ack(id, { ...operator, comment }))).toBe('bad_request')
    }
    expect(stateOf(engine, 'plc-1')).toBe('active-unacked')
    const acked = engine.ack(id, { by: 'phone-7', via: 'push', comment: ' valve closed ' })
    expect(acked.changed).toMatchObject([
      { state: 'active-acked', ackedBy: 'phone-7', comment: 'valve closed' }
    ])
    expect(acked.events).toMatchObject([{ by: 'phone-7', via: 'push', comment: 'valve closed' }])
  })
})

describe('AlarmEngine: shelving', () => {
  it('shelves, stays silent while shelved, and announces again when it expires still active', () => {
    const { engine, clock } = engineWith([rule({ notify: ['op'] })])
    const id = idOf('plc-1')
    engine.evaluate([report('plc-1', { temp: 85 })])
    const shelved = engine.shelve(id, { ...operator, minutes: 30, comment: 'known leak' })
    const until = clock.time + 30 * MINUTE
    expect(shelved.changed).toMatchObject([
      { state: 'shelved', shelvedUntil: until, comment: 'known leak' }
    ])
    expect(shelved.events).toMatchObject([
      {
        type: 'shelved',
        state: 'shelved',
        by: 'operator',
        comment: 'known leak',
        detail: { minutes: 30 }
      }
    ])
    expect(codeOf(() => engine.ack(id, operator))).toBe('conflict')

    // Chattering while shelved: whoever was told of the raise hears it cleared, then no more.
    clock.advance(MINUTE)
    expect(engine.evaluate([report('plc-1', { temp: 70 })]).notifications).toMatchObject([
      { kind: 'cleared', targets: ['op'] }
    ])
    expect(stateOf(engine, 'plc-1')).toBe('shelved')
    const reraised = engine.evaluate([report('plc-1', { temp: 90 })])
    expect(types(reraised)).toEqual(['raised'])
    expect(reraised.notifications).toEqual([])
    expect(stateOf(engine, 'plc-1')).toBe('shelved')
    expect(engine.evaluate([report('plc-1', { temp: 70 })]).notifications).toEqual([])
    engine.evaluate([report('plc-1', { temp: 90 })])

    clock.time = until - 1
    expect(engine.tick().events).toEqual([])
    clock.time = until
    const expired = engine.tick()
    expect(expired.events).toMatchObject([
      { type: 'unshelved', state: 'active-unacked', by: 'system', via: 'system' }
    ])
    expect(expired.changed).toMatchObject([{ id, state: 'active-unacked', shelvedUntil: null }])
    expect(expired.notifications).toMatchObject([{ kind: 'raised', targets: ['op'] }])
  })

  it('re-annunciates an alarm acknowledged before shelving', () => {
    const { engine } = engineWith([rule()])
    const id = idOf('plc-1')
    engine.evaluate([report('plc-1', { temp: 85 })])
    engine.ack(id, operator)
    engine.shelve(id, { ...operator, minutes: 5 })
    expect(engine.unshelve(id, operator).changed).toMatchObject([
      { state: 'active-unacked', ackedBy: null }
    ])
  })

  it('comes back normal when the condition is gone, even if it cleared unacknowledged', () => {
    const { engine, clock } = engineWith([rule({ notify: ['op'] })])
    const id = idOf('plc-1')
    engine.evaluate([report('plc-1', { temp: 85 })])
    engine.shelve(id, { ...operator, minutes: 10 })
    engine.evaluate([report('plc-1', { temp: 70 })])
    expect(stateOf(engine, 'plc-1')).toBe('shelved')
    clock.advance(10 * MINUTE)
    const expired = engine.tick()
    expect(expired.changed).toMatchObject([{ id, state: 'normal' }])
    expect(expired.events).toMatchObject([{ type: 'unshelved', state: 'normal' }])
    expect(expired.notifications).toEqual([])
    expect(engine.counters().held).toBe(0)
  })

  it('unshelves on request, and only a shelved alarm', () => {
    const { engine } = engineWith([rule()])
    const id = idOf('plc-1')
    engine.evaluate([report('plc-1', { temp: 85 })])
    expect(codeOf(() => engine.unshelve(id, operator))).toBe('conflict')
    engine.shelve(id, { ...operator, minutes: 5 })
    const back = engine.unshelve(id, { by: 'ann', via: 'api' })
    expect(back.events).toMatchObject([
      { type: 'unshelved', by: 'ann', via: 'api', state: 'active-unacked' }
    ])
    expect(codeOf(() => engine.unshelve(id, operator))).toBe('conflict')
  })

  it('re-shelving sets a new end', () => {
    const { engine, clock } = engineWith([rule()])
    const id = idOf('plc-1')
    engine.evaluate([report('plc-1', { temp: 85 })])
    engine.shelve(id, { ...operator, minutes: 5 })
    clock.advance(4 * MINUTE)
    engine.shelve(id, { ...operator, minutes: 5 })
    clock.advance(2 * MINUTE)
    expect(engine.tick().events).toEqual([])
    expect(engine.get(id)?.shelvedUntil).toBe(clock.time + 3 * MINUTE)
  })

  it('bounds the minutes, and refuses an alarm out of service', () => {
    const { engine } = engineWith([rule()], { maxShelveMs: 8 * 60 * MINUTE })
    const id = idOf('plc-1')
    engine.evaluate([report('plc-1', { temp: 85 })])
    for (const minutes of [0, -1, 481, NaN, Infinity, '5' as unknown as number]) {
      expect(
        codeOf(() => engine.shelve(id, { ...operator, minutes })),
        String(minutes)
      ).toBe('bad_request')
    }
    expect(() => engine.shelve(id, { ...operator, minutes: 481 })).toThrow('480')
    expect(engine.shelve(id, { ...operator, minutes: 480 }).changed).toHaveLength(1)
    engine.unshelve(id, operator)
    engine.setMaintenance('plc-1', { ...operator, minutes: 60 })
    expect(codeOf(() => engine.shelve(id, { ...operator, minutes: 5 }))).toBe('conflict')
  })
})

describe('AlarmEngine: silencing', () => {
  it('silences an unacknowledged alarm once; a new raise sounds again', () => {
    const { engine } = engineWith([rule()])
    const id = idOf('plc-1')
    engine.evaluate([report('plc-1', { temp: 85 })])
    const silenced = engine.silence(id, operator)
    expect(silenced.changed).toMatchObject([{ state: 'active-unacked', silenced: true }])
    expect(silenced.events).toMatchObject([{ type: 'silenced', by: 'operator' }])
    expect(codeOf(() => engine.silence(id, operator))).toBe('conflict')
    engine.evaluate([report('plc-1', { temp: 70 })])
    expect(engine.get(id)).toMatchObject({ state: 'cleared-unacked', silenced: true })
    engine.evaluate([report('plc-1', { temp: 85 })])
    expect(engine.get(id)?.silenced).toBe(false)
    engine.ack(id, operator)
    expect(codeOf(() => engine.silence(id, operator))).toBe('conflict')
  })
})

describe('AlarmEngine: maintenance', () => {
  it('takes the device out of service until it ends, alarms made during it too', () => {
    const { engine, clock } = engineWith([
      rule({ notify: ['op'] }),
      rule({ id: 'wet', field: 'humidity', above: 90, notify: ['op'] })
    ])
    const hot = idOf('plc-1')
    const wet = idOf('plc-1', 'wet')
    engine.evaluate([report('plc-1', { temp: 85, humidity: 50 })])
    const until = clock.time + 60 * MINUTE
    const { output, maintenance } = engine.setMaintenance('plc-1', {
      ...operator,
      minutes: 60,
      comment: 'pump swap'
    })
    expect(maintenance).toEqual({ device: 'plc-1', until, comment: 'pump swap', by: 'operator' })
    expect(engine.maintenance()).toEqual([maintenance])
    expect(output.events).toMatchObject([
      {
        type: 'maintenance',
        alarm: null,
        device: 'plc-1',
        by: 'operator',
        comment: 'pump swap',
        detail: { minutes: 60 }
      },
      { type: 'out-of-service', alarm: hot, state: 'out-of-service' }
    ])
    expect(output.changed).toMatchObject([
      { id: hot, state: 'out-of-service', maintenanceUntil: until }
    ])

    // Made during it: out of service from the start, nobody told.
    clock.advance(MINUTE)
    const during = engine.evaluate([report('plc-1', { temp: 85, humidity: 95 })])
    expect(during.changed).toMatchObject([
      { id: wet, state: 'out-of-service', maintenanceUntil: until }
    ])
    expect(during.notifications).toEqual([])
    expect(codeOf(() => engine.ack(hot, operator))).toBe('conflict')
    // Another device is not in maintenance.
    expect(engine.evaluate([report('plc-2', { temp: 85 })]).notifications).toHaveLength(1)

    // `wet` clears during the maintenance: it owes nothing once back.
    engine.evaluate([report('plc-1', { temp: 85, humidity: 40 })])
    clock.time = until
    const ended = engine.tick()
    expect(ended.events).toMatchObject([
      { type: 'maintenance', device: 'plc-1', by: 'system', detail: { minutes: 0 } },
      { type: 'in-service', alarm: hot, state: 'active-unacked', by: 'system' },
      { type: 'in-service', alarm: wet, state: 'normal' }
    ])
    expect(ended.notifications).toMatchObject([{ kind: 'raised', alarm: { id: hot } }])
    expect(engine.maintenance()).toEqual([])
    expect(engine.get(hot)).toMatchObject({ state: 'active-unacked', maintenanceUntil: null })
    expect(engine.get(wet)).toBeUndefined()
  })

  it('gives each maintenance started, changed or ended in its output, for the store', () => {
    const { engine, clock } = engineWith([rule()])
    const started = engine.setMaintenance('plc-1', { ...operator, minutes: 10, comment: 'swap' })
    expect(started.output.maintenance).toEqual([started.maintenance])
    const changed = engine.setMaintenance('plc-1', { ...operator, minutes: 20 })
    expect(changed.output.maintenance).toEqual([
      { device: 'plc-1', until: clock.time + 20 * MINUTE, comment: null, by: 'operator' }
    ])
    expect(engine.evaluate([report('plc-1', { temp: 85 })]).maintenance).toEqual([])
    expect(engine.tick().maintenance).toEqual([])

    // Ended by the clock: `until: null`, so the store removes it.
    clock.advance(20 * MINUTE)
    expect(engine.tick().maintenance).toEqual([
      { device: 'plc-1', until: null, comment: null, by: 'system' }
    ])
    expect(engine.tick().maintenance).toEqual([])

    engine.setMaintenance('plc-2', { ...operator, minutes: 5 })
    const ended = engine.setMaintenance('plc-2', { by: 'ann', via: 'api', minutes: 0 })
    expect(ended.output.maintenance).toEqual([
      { device: 'plc-2', until: null, comment: null, by: 'ann' }
    ])
    expect(ended.maintenance).toEqual(ended.output.maintenance[0])
  })

  it('ends at once with 0 minutes, and bounds the minutes', () => {
    const { engine } = engineWith([rule()])
    const id = idOf('plc-1')
    engine.evaluate([report('plc-1', { temp: 85 })])
    engine.setMaintenance('plc-1', { ...operator, minutes: 10 })
    expect(stateOf(engine, 'plc-1')).toBe('out-of-service')
    const { output, maintenance } = engine.setMaintenance('plc-1', { ...operator, minutes: 0 })
    expect(maintenance.until).toBeNull()
    expect(types(output)).toEqual(['maintenance', 'in-service'])
    expect(output.changed).toMatchObject([{ id, state: 'active-unacked' }])
    // Ending one there is not: nothing happens.
    expect(engine.setMaintenance('plc-1', { ...operator, minutes: 0 }).output.events).toEqual([])
    for (const minutes of [-1, 7 * 24 * 60 + 1, NaN]) {
      expect(codeOf(() => engine.setMaintenance('plc-1', { ...operator, minutes }))).toBe(
        'bad_request'
      )
    }
    expect(codeOf(() => engine.setMaintenance('', { ...operator, minutes: 5 }))).toBe('bad_request')
    expect(
      engine.setMaintenance('plc-1', { ...operator, minutes: 7 * 24 * 60 }).output.events
    ).toHaveLength(2)
  })
})
