import { describe, expect, it } from 'vitest'

import {
  compareAlarms,
  newestUnackedCritical,
  soundsTone,
  unackedCounts,
  worstAlarmByDevice,
  worstSeverityByDevice
} from '../../../src/renderer/src/state/alarm-selectors'
import { alarm } from '../support/alarm-fixtures'

describe('what the views read of the alarms', () => {
  it('lists those owed an ack first, then by severity, then the newest raised first', () => {
    const alarms = [
      alarm({ id: 'acked-critical', state: 'active-acked', raisedAt: 9_000 }),
      alarm({ id: 'low-new', severity: 'low', raisedAt: 8_000 }),
      alarm({ id: 'critical-old', raisedAt: 1_000 }),
      alarm({ id: 'critical-cleared', state: 'cleared-unacked', raisedAt: 5_000 }),
      alarm({ id: 'shelved-high', severity: 'high', state: 'shelved', raisedAt: 9_500 }),
      alarm({ id: 'high-never', severity: 'high', raisedAt: null })
    ]
    expect(alarms.sort(compareAlarms).map((a) => a.id)).toEqual([
      'critical-cleared',
      'critical-old',
      'high-never',
      'low-new',
      'acked-critical',
      'shelved-high'
    ])
  })

  it('counts the unacknowledged by severity and names the newest critical one', () => {
    const alarms = [
      alarm({ id: 'a', raisedAt: 1_000 }),
      alarm({ id: 'b', raisedAt: 3_000, state: 'cleared-unacked' }),
      alarm({ id: 'c', raisedAt: 4_000, state: 'active-acked' }),
      alarm({ id: 'd', severity: 'medium' }),
      alarm({ id: 'e', severity: 'low', state: 'shelved' })
    ]
    expect(unackedCounts(alarms)).toEqual({ critical: 2, high: 0, medium: 1, low: 0 })
    expect(newestUnackedCritical(alarms)?.id).toBe('b')
    expect(newestUnackedCritical([alarm({ id: 'x', severity: 'high' })])).toBeNull()
  })

  it('gives each device the worst severity of its active alarms', () => {
    const worst = worstSeverityByDevice([
      alarm({ id: '1', device: 'p1', severity: 'medium' }),
      alarm({ id: '2', device: 'p1', severity: 'high', state: 'active-acked' }),
      alarm({ id: '3', device: 'p1', severity: 'critical', state: 'shelved' }),
      alarm({ id: '4', device: 'p2', severity: 'critical', state: 'cleared-unacked' })
    ])
    expect([...worst]).toEqual([['p1', 'high']])
  })

  it('gives each device’s tile its worst active severity, and whether one of it is owed an ack', () => {
    const worst = worstAlarmByDevice([
      alarm({ id: '1', device: 'p1', severity: 'medium' }),
      alarm({ id: '2', device: 'p1', severity: 'high', state: 'active-acked' }),
      alarm({ id: '3', device: 'p2', severity: 'high', state: 'active-acked' }),
      alarm({ id: '4', device: 'p2', severity: 'high' }),
      alarm({ id: '5', device: 'p3', severity: 'critical', state: 'active-acked' }),
      alarm({ id: '6', device: 'p3', severity: 'low' }),
      alarm({ id: '7', device: 'p4', severity: 'critical', state: 'cleared-unacked' })
    ])
    expect(Object.fromEntries(worst)).toEqual({
      p1: { severity: 'high', unacked: false },
      // An unacked high outweighs an acked high, never an acked critical.
      p2: { severity: 'high', unacked: true },
      p3: { severity: 'critical', unacked: false }
    })
  })

  it('sounds for urgent alarms owed an ack that nobody silenced', () => {
    expect(soundsTone(alarm({ id: 'a' }))).toBe(true)
    expect(soundsTone(alarm({ id: 'b', severity: 'high', state: 'cleared-unacked' }))).toBe(true)
    expect(soundsTone(alarm({ id: 'c', silenced: true }))).toBe(false)
    expect(soundsTone(alarm({ id: 'd', state: 'active-acked' }))).toBe(false)
    expect(soundsTone(alarm({ id: 'e', severity: 'medium' }))).toBe(false)
  })
})
