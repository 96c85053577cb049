import { describe, expect, it } from 'vitest'

import { engineWith, idOf, operator, report, rule, types } from './engine-harness'

const MINUTE = 60_000

describe('AlarmEngine: floods', () => {
  it('starts a flood past the threshold, marks the first-out, and ends it', () => {
    const { engine, clock } = engineWith([rule()], {
      flood: { threshold: 3, windowMs: 10 * MINUTE }
    })
    for (const n of [1, 2, 3]) {
      const output = engine.evaluate([report(`plc-${n}`, { temp: 85 })])
      expect(output.flood).toBeNull()
      clock.advance(MINUTE)
    }
    const start = clock.time
    const fourth = engine.evaluate([report('plc-4', { temp: 85 })])
    expect(types(fourth)).toEqual(['raised', 'flood-started'])
    expect(fourth.events[1]).toMatchObject({
      alarm: null,
      by: 'system',
      detail: { raisedInWindow: 4, firstOut: idOf('plc-1') }
    })
    expect(fourth.flood).toEqual({
      active: true,
      since: start,
      raisedInWindow: 4,
      threshold: 3,
      windowMinutes: 10,
      firstOut: idOf('plc-1')
    })
    expect(fourth.changed).toMatchObject([
      { id: idOf('plc-4'), firstOut: false },
      { id: idOf('plc-1'), firstOut: true }
    ])
    expect(engine.flood().active).toBe(true)

    // A raise during the flood does not start another; viewers are told the count moved.
    clock.advance(MINUTE)
    const fifth = engine.evaluate([report('plc-5', { temp: 85 })])
    expect(types(fifth)).toEqual(['raised'])
    expect(fifth.flood).toMatchObject({ active: true, since: start, raisedInWindow: 5 })
    expect(engine.tick().flood).toBeNull() // nothing moved since
    // Raises of a shelved alarm are not annunciated: they do not count.
    engine.shelve(idOf('plc-5'), { ...operator, minutes: 60 })
    engine.evaluate([report('plc-5', { temp: 70 })])
    engine.evaluate([report('plc-5', { temp: 85 })])
    expect(engine.flood().raisedInWindow).toBe(5)

    // Raised at start - 3, -2, -1, 0 and +1 minutes: at start + 8 the first two are out, and
    // the three left are the threshold.
    clock.time = start + 8 * MINUTE - 1
    // Still a flood; its count has moved (plc-1's raise left the window): viewers are told.
    expect(engine.tick().flood).toMatchObject({ active: true, raisedInWindow: 4 })
    clock.time = start + 8 * MINUTE
    const ended = engine.tick()
    expect(types(ended)).toEqual(['flood-ended'])
    expect(ended.flood).toMatchObject({ active: false, since: null, firstOut: null })
    expect(engine.flood().active).toBe(false)

    // The first-out mark stays on the alarm until it raises again.
    expect(engine.get(idOf('plc-1'))?.firstOut).toBe(true)
    clock.advance(20 * MINUTE)
    engine.evaluate([report('plc-1', { temp: 70 })])
    const again = engine.evaluate([report('plc-1', { temp: 85 })])
    expect(again.changed).toMatchObject([{ id: idOf('plc-1'), firstOut: false }])
  })

  it('stays bounded under 100,000 raises', () => {
    // Each alarm raises once every 6 s: ten a minute, not chattering.
    const { engine, clock } = engineWith([rule()], {
      maxAlarms: 200,
      flood: { threshold: 10, windowMs: 120 * MINUTE }
    })
    const devices = Array.from({ length: 100 }, (_, n) => `plc-${n}`)
    const hot = devices.map((device) => report(device, { temp: 85 }))
    const cool = devices.map((device) => report(device, { temp: 70 }))
    let events = 0
    for (let round = 0; round < 1000; round++) {
      events += engine.evaluate(hot).events.length
      engine.evaluate(cool)
      clock.advance(6_000)
    }
    expect(events).toBe(100_000 + 1) // every raise, and one flood start
    expect(engine.counters()).toMatchObject({ held: 100, refusedForLimit: 0 })
    expect(engine.flood()).toMatchObject({ active: true, raisedInWindow: 100_000 })
    clock.advance(121 * MINUTE)
    expect(types(engine.tick())).toEqual(['flood-ended'])
    expect(engine.flood().raisedInWindow).toBe(0)
  })
})
