import type { Alarm, AlarmFlood, AlarmRuleInfo } from '../../../src/shared/alarm-types'
import { alarm as coreAlarm } from '../../main/core/alarms/alarm-fixtures'

/** An alarm as the `alarms` topic sends it: raised, unacknowledged, critical, unless told. */
export function alarm(overrides: Partial<Alarm> & { id: string }): Alarm {
  return coreAlarm(overrides.id, {
    rule: 'hot',
    name: 'Too hot',
    device: 'pump-1',
    value: 91,
    currentValue: 92,
    raisedAt: 1_000,
    updatedAt: 1_000,
    ...overrides
  })
}

/** The console not in a flood. */
export const NO_FLOOD: AlarmFlood = {
  active: false,
  since: null,
  raisedInWindow: 0,
  threshold: 10,
  windowMinutes: 10,
  firstOut: null
}

/** A console rule (editable), above 90 on every pump. */
export function rule(overrides: Partial<AlarmRuleInfo> = {}): AlarmRuleInfo {
  return {
    id: 'hot',
    name: 'Too hot',
    devices: 'pump-*',
    field: 'temp',
    above: 90,
    severity: 'critical',
    source: 'console',
    ...overrides
  }
}
