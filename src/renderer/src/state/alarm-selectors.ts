import {
  ALARM_SEVERITIES,
  type Alarm,
  type AlarmSeverity,
  type AlarmState
} from '../../../shared/alarm-types'

/** Most urgent first: critical 0 … low 3. */
export function severityRank(severity: AlarmSeverity): number {
  return ALARM_SEVERITIES.indexOf(severity)
}

/** Owed an acknowledgement: raised (still holding, or already gone) and nobody acked it yet. */
export function isUnacked(alarm: Pick<Alarm, 'state'>): boolean {
  return alarm.state === 'active-unacked' || alarm.state === 'cleared-unacked'
}

/** The condition holds now (acked or not); shelved and out-of-service alarms are set aside. */
export function isActive(alarm: Pick<Alarm, 'state'>): boolean {
  return alarm.state === 'active-unacked' || alarm.state === 'active-acked'
}

/** The desktop window sounds for these: urgent, owed an ack, and not silenced by the operator. */
export function soundsTone(alarm: Alarm): boolean {
  return (
    isUnacked(alarm) &&
    (alarm.severity === 'critical' || alarm.severity === 'high') &&
    !alarm.silenced
  )
}

/**
 * The order of the alarms list: those owed an acknowledgement first, then by severity, then
 * the newest raised first (never-raised last); the id keeps equal ones in a steady order.
 */
export function compareAlarms(a: Alarm, b: Alarm): number {
  return (
    Number(isUnacked(b)) - Number(isUnacked(a)) ||
    severityRank(a.severity) - severityRank(b.severity) ||
    (b.raisedAt ?? -Infinity) - (a.raisedAt ?? -Infinity) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  )
}

export type SeverityCounts = Record<AlarmSeverity, number>

/** How many alarms of each severity are owed an acknowledgement. */
export function unackedCounts(alarms: readonly Alarm[]): SeverityCounts {
  const counts: SeverityCounts = { critical: 0, high: 0, medium: 0, low: 0 }
  for (const alarm of alarms) if (isUnacked(alarm)) counts[alarm.severity]++
  return counts
}

/** The critical alarm raised last of those owed an acknowledgement, or null. */
export function newestUnackedCritical(alarms: readonly Alarm[]): Alarm | null {
  let newest: Alarm | null = null
  for (const alarm of alarms)
    if (
      alarm.severity === 'critical' &&
      isUnacked(alarm) &&
      (newest === null || (alarm.raisedAt ?? -Infinity) > (newest.raisedAt ?? -Infinity))
    )
      newest = alarm
  return newest
}

/** Each device with an active alarm, and the most urgent severity among them. */
export function worstSeverityByDevice(alarms: readonly Alarm[]): Map<string, AlarmSeverity> {
  const worst = new Map<string, AlarmSeverity>()
  for (const [device, { severity }] of worstAlarmByDevice(alarms)) worst.set(device, severity)
  return worst
}

/** A device's worst active alarm as its Overview tile shows it. */
export interface DeviceAlarmState {
  severity: AlarmSeverity
  /** Whether an active alarm of that severity is owed an acknowledgement. */
  unacked: boolean
}

/**
 * Each device with an active alarm: the most urgent severity among them, and whether one of
 * that severity is still unacknowledged (an unacked high outweighs an acked high, never an
 * acked critical).
 */
export function worstAlarmByDevice(alarms: readonly Alarm[]): Map<string, DeviceAlarmState> {
  const worst = new Map<string, DeviceAlarmState>()
  for (const alarm of alarms) {
    if (!isActive(alarm)) continue
    const known = worst.get(alarm.device)
    const rank = severityRank(alarm.severity)
    if (known === undefined || rank < severityRank(known.severity))
      worst.set(alarm.device, { severity: alarm.severity, unacked: isUnacked(alarm) })
    else if (rank === severityRank(known.severity) && isUnacked(alarm)) known.unacked = true
  }
  return worst
}

/** The states an alarm the view keeps can be in (a `normal` one is dropped). */
export const SHOWN_ALARM_STATES: readonly AlarmState[] = [
  'active-unacked',
  'active-acked',
  'cleared-unacked',
  'shelved',
  'out-of-service'
]
