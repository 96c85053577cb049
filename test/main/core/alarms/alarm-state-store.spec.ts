import { afterEach, describe, expect, it } from 'vitest'

import { AlarmStateStore } from '../../../../src/main/core/alarms/alarm-state-store'
import type { PersistedAlarm } from '../../../../src/main/core/alarms/persisted-alarm'
import { NedbBackend } from '../../../../src/main/core/persistence/nedb/nedb-backend'
import { tempDirs } from '../../../support/temp-dir'
import { alarm as engineAlarm, T0 } from './alarm-fixtures'

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

const T = T0

/** An active, unacknowledged alarm as the engine keeps it. */
function alarm(id: string, changes: Partial<PersistedAlarm> = {}): PersistedAlarm {
  return {
    ...engineAlarm(id, { device: id.split('/')[1] ?? 'tank-1', currentValue: { level: 94 } }),
    active: true,
    acked: false,
    notified: ['phone-1'],
    escalated: false,
    ...changes
  }
}

const byId = (a: PersistedAlarm, b: PersistedAlarm) => (a.id < b.id ? -1 : 1)

describe('the alarm state store', () => {
  it('brings back the alarms and maintenances saved, as saved, after a restart', async () => {
    const dataDir = await dirs.make()
    const store = await AlarmStateStore.open(new NedbBackend({ dataDir }))
    expect(await store.load()).toEqual({ alarms: [], maintenance: [] })
    const one = alarm('tank-high/tank-1')
    const two = alarm('tank-high/tank-2', {
      state: 'shelved',
      shelvedUntil: T + 60_000,
      notified: 'all'
    })
    await store.save(one)
    await store.save(two)
    // Saved again with more changed: replaced, not added.
    const acked = {
      ...one,
      state: 'active-acked' as const,
      acked: true,
      ackedBy: 'operator',
      ackedAt: T + 5,
      comment: 'on it'
    }
    await store.save(acked)
    await store.saveMaintenance({
      device: 'tank-3',
      until: T + 3_600_000,
      comment: 'valve swap',
      by: 'operator'
    })
    await store.saveMaintenance({ device: 'tank-4', until: T + 1, comment: null, by: 'operator' })
    await store.saveMaintenance({ device: 'tank-4', until: null, comment: null, by: 'operator' }) // ended

    const kept = await (await AlarmStateStore.open(new NedbBackend({ dataDir }))).load()
    expect(kept.alarms.sort(byId)).toEqual([acked, two])
    expect(kept.maintenance).toEqual([
      { device: 'tank-3', until: T + 3_600_000, comment: 'valve swap', by: 'operator' }
    ])
  })

  it('applies the writes of one id in call order, awaited or not: a save then a remove ends removed', async () => {
    const dataDir = await dirs.make()
    const store = await AlarmStateStore.open(new NedbBackend({ dataDir }))
    const a = alarm('tank-high/tank-1')
    const b = alarm('tank-high/tank-2')
    const writes = [
      store.save(a),
      store.remove(a.id),
      store.save(b),
      store.save({ ...b, state: 'active-acked' }),
      store.remove(b.id),
      store.save({ ...b, state: 'cleared-unacked' }),
      store.remove('never-saved')
    ]
    await store.flush()
    const kept = await (await AlarmStateStore.open(new NedbBackend({ dataDir }))).load()
    expect(kept.alarms).toEqual([{ ...b, state: 'cleared-unacked' }])
    await Promise.all(writes) // each resolved
  })

  it('writes the state as it was when saved, whatever the caller changes afterwards', async () => {
    const dataDir = await dirs.make()
    const store = await AlarmStateStore.open(new NedbBackend({ dataDir }))
    const a = alarm('tank-high/tank-1')
    void store.save(a)
    a.state = 'normal'
    ;(a.notified as string[]).push('phone-2')
    await store.flush()
    const kept = await (await AlarmStateStore.open(new NedbBackend({ dataDir }))).load()
    expect(kept.alarms).toEqual([alarm('tank-high/tank-1')])
  })

  it('skips documents that are not an alarm (a hand edit), keeps the rest', async () => {
    const dataDir = await dirs.make()
    const ds = await new NedbBackend({ dataDir }).collection<object>('alarms')
    await ds.insert([
      alarm('good/1'),
      { id: 'bad/1', rule: 'r', device: 'd', state: 'on fire', severity: 'high' }
    ])
    const kept = await (await AlarmStateStore.open(new NedbBackend({ dataDir }))).load()
    expect(kept.alarms.map((a) => a.id)).toEqual(['good/1'])
  })
})
