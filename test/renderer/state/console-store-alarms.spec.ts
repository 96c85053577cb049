import { describe, expect, it } from 'vitest'

import { ConsoleStore } from '../../../src/renderer/src/state/console-store'
import type { LiveSnapshot } from '../../../src/shared/live-events'
import { alarm, NO_FLOOD } from '../support/alarm-fixtures'

function store(): { s: ConsoleStore; flush: () => void } {
  const queued: Array<() => void> = []
  const s = new ConsoleStore(
    () => 5_000,
    (run) => queued.push(run)
  )
  return { s, flush: () => queued.splice(0).forEach((run) => run()) }
}

const snapshot = (alarms: LiveSnapshot['alarms'], flood = NO_FLOOD): LiveSnapshot => ({
  devices: [],
  clients: [],
  reports: [],
  metrics: [],
  alarms,
  alarmFlood: flood,
  sources: []
})

describe('ConsoleStore alarms', () => {
  it('replaces the alarms from a snapshot, then merges those that change, in list order', () => {
    const { s, flush } = store()
    s.events.alarms([alarm({ id: 'gone-after-resync' })])
    s.events.snapshot(
      snapshot([alarm({ id: 'low', severity: 'low' }), alarm({ id: 'hot', raisedAt: 1_000 })])
    )
    s.events.alarms([
      alarm({ id: 'hot', state: 'active-acked', ackedBy: 'operator' }),
      alarm({ id: 'new', severity: 'high', raisedAt: 2_000 })
    ])
    flush()
    expect(s.getView().alarms.map((a) => [a.id, a.state])).toEqual([
      ['new', 'active-unacked'],
      ['low', 'active-unacked'],
      ['hot', 'active-acked']
    ])
  })

  it('drops an alarm sent once more as it turns normal', () => {
    const { s, flush } = store()
    s.events.snapshot(snapshot([alarm({ id: 'a' }), alarm({ id: 'b' })]))
    s.events.alarms([alarm({ id: 'a', state: 'normal' })])
    s.events.alarms([alarm({ id: 'never-seen', state: 'normal' })])
    flush()
    expect(s.getView().alarms.map((a) => a.id)).toEqual(['b'])
  })

  it('keeps the flood of the snapshot, then the current one', () => {
    const { s, flush } = store()
    expect(s.getView().alarmFlood).toBeNull()
    s.events.snapshot(snapshot([], NO_FLOOD))
    flush()
    expect(s.getView().alarmFlood).toEqual(NO_FLOOD)
    const flood = { ...NO_FLOOD, active: true, since: 4_000, raisedInWindow: 14, firstOut: 'a' }
    s.events.alarmFlood(flood)
    flush()
    expect(s.getView().alarmFlood).toEqual(flood)
  })
})
