import type { Alarm, AlarmState, NotifyTargets } from '../../../shared/alarm-types'
import { boundedValue } from './bounded-value'
import { copyTargets } from './notify-targets'
import type { PersistedAlarm } from './persisted-alarm'

/** An on- or off-delay running: the raise (clear) condition has held since `since`. */
export interface PendingChange {
  kind: 'raise' | 'clear'
  since: number
}

/** The engine's own, mutable copy of an alarm; its state is derived, never stored. */
export interface AlarmRecord extends Omit<Alarm, 'state' | 'maintenanceUntil'> {
  active: boolean
  acked: boolean
  notified: NotifyTargets | null
  escalated: boolean
  /** When it was last annunciated; null while it has not been since it raised. */
  announcedAt: number | null
  /** Shelved by the console for chattering: its raises and clearings are followed quietly. */
  chattering: boolean
  pending: PendingChange | null
  /** `currentValue` moved since the alarm was last sent. */
  valueMoved: boolean
  /** Its rule is gone (or no longer covers its device): it is normal for good. */
  removed: boolean
}

export function newRecord(
  fields: Pick<AlarmRecord, 'id' | 'rule' | 'device' | 'name' | 'severity' | 'currentValue'>,
  now: number
): AlarmRecord {
  return {
    ...fields,
    active: false,
    acked: false,
    value: null,
    raisedAt: null,
    clearedAt: null,
    ackedBy: null,
    ackedAt: null,
    comment: null,
    shelvedUntil: null,
    firstOut: false,
    silenced: false,
    updatedAt: now,
    notified: null,
    escalated: false,
    announcedAt: null,
    chattering: false,
    pending: null,
    valueMoved: false,
    removed: false
  }
}

/** A stored alarm as the engine holds it again; a delay that was running starts over. */
export function recordFromPersisted(stored: PersistedAlarm): AlarmRecord {
  const raisedAt = numberOrNull(stored.raisedAt)
  return {
    id: stored.id,
    rule: stored.rule,
    device: stored.device,
    name: stored.name,
    severity: stored.severity,
    active: stored.active === true,
    acked: stored.acked === true,
    value: boundedValue(stored.value ?? null),
    currentValue: boundedValue(stored.currentValue ?? null),
    raisedAt,
    clearedAt: numberOrNull(stored.clearedAt),
    ackedBy: stringOrNull(stored.ackedBy),
    ackedAt: numberOrNull(stored.ackedAt),
    comment: stringOrNull(stored.comment),
    shelvedUntil: numberOrNull(stored.shelvedUntil),
    firstOut: stored.firstOut === true,
    silenced: stored.silenced === true,
    updatedAt: numberOrNull(stored.updatedAt) ?? 0,
    notified: stored.notified === 'all' || Array.isArray(stored.notified) ? stored.notified : null,
    escalated: stored.escalated === true,
    announcedAt: stored.announcedAt === undefined ? raisedAt : numberOrNull(stored.announcedAt),
    chattering: stored.chattering === true,
    pending: null,
    valueMoved: false,
    removed: false
  }
}

export function toAlarm(
  record: AlarmRecord,
  state: AlarmState,
  maintenanceUntil: number | null
): Alarm {
  return {
    id: record.id,
    rule: record.rule,
    name: record.name,
    device: record.device,
    severity: record.severity,
    state,
    value: record.value,
    currentValue: record.currentValue,
    raisedAt: record.raisedAt,
    clearedAt: record.clearedAt,
    ackedBy: record.ackedBy,
    ackedAt: record.ackedAt,
    comment: record.comment,
    shelvedUntil: record.shelvedUntil,
    maintenanceUntil,
    firstOut: record.firstOut,
    silenced: record.silenced,
    updatedAt: record.updatedAt
  }
}

export function toPersisted(
  record: AlarmRecord,
  state: AlarmState,
  maintenanceUntil: number | null
): PersistedAlarm {
  return {
    ...toAlarm(record, state, maintenanceUntil),
    active: record.active,
    acked: record.acked,
    notified: record.notified === null ? null : copyTargets(record.notified),
    escalated: record.escalated,
    announcedAt: record.announcedAt,
    chattering: record.chattering
  }
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null
}
