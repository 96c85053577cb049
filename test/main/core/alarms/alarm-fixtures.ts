import type { Alarm, AlarmEvent, AlarmFlood } from '../../../../src/shared/alarm-types'

/** 2026-12-01T14:03:00Z */
export const T0 = Date.UTC(2026, 11, 1, 14, 3)

/** An active, unacknowledged alarm raised at T0; `overrides` change what a test is about. */
export function alarm(id: string, overrides: Partial<Alarm> = {}): Alarm {
  return {
    id,
    rule: 'boiler-hot',
    name: 'boiler too hot',
    device: 'plc-a1',
    severity: 'critical',
    state: 'active-unacked',
    value: 97,
    currentValue: 97,
    raisedAt: T0,
    clearedAt: null,
    ackedBy: null,
    ackedAt: null,
    comment: null,
    shelvedUntil: null,
    maintenanceUntil: null,
    firstOut: false,
    silenced: false,
    updatedAt: T0,
    ...overrides
  }
}

export function flood(active: boolean): AlarmFlood {
  return {
    active,
    since: active ? T0 : null,
    raisedInWindow: active ? 11 : 0,
    threshold: 10,
    windowMinutes: 10,
    firstOut: null
  }
}

/** An alarm event as the engine records it; `alarm` is its alarm's id. */
export function alarmEvent(
  type: AlarmEvent['type'],
  time: number,
  fields: Partial<AlarmEvent> = {}
): AlarmEvent {
  return {
    time,
    type,
    alarm: 'a1',
    rule: 'boiler-hot',
    device: 'plc-a1',
    severity: 'critical',
    state: null,
    by: 'system',
    via: 'system',
    comment: null,
    detail: null,
    ...fields
  }
}
