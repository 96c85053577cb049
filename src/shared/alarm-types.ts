/**
 * The alarms contract (docs/alarms.md is the prose version): rules as the API and the rules file
 * take them, alarms as `/api/alarms` and the `alarms` live topic show them, and the audit trail.
 * The names are kept as docs/alarms.md gives them: scripts depend on them.
 */

/** Most to least urgent; the UI orders and colours alarms by this. */
export const ALARM_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const
export type AlarmSeverity = (typeof ALARM_SEVERITIES)[number]

/**
 * ISA-18.2's states of an alarm (one rule on one device):
 * - `normal`: the condition does not hold and nothing is owed;
 * - `active-unacked`: the condition holds and nobody has acknowledged it;
 * - `active-acked`: it holds, and someone acknowledged it;
 * - `cleared-unacked`: it returned to normal before anyone acknowledged it;
 * - `shelved`: an operator set it aside until `shelvedUntil` (it unshelves by itself);
 * - `out-of-service`: its rule is disabled or its device is in maintenance.
 */
export const ALARM_STATES = [
  'normal',
  'active-unacked',
  'active-acked',
  'cleared-unacked',
  'shelved',
  'out-of-service'
] as const
export type AlarmState = (typeof ALARM_STATES)[number]

/** Who is told: push client uids, or `all` (every registered push client). */
export type NotifyTargets = 'all' | string[]

/** A value `equals` / `notEquals` compares a field with. */
export type AlarmMatchValue = string | number | boolean | null

/**
 * A rule: one field of the reports of the devices matching `devices` (`*` any run, `?` one
 * character, as device tokens' patterns). Exactly one condition: `above`, `below`, `equals`,
 * `notEquals` (with `field`), or `stale` (seconds without a report; no field).
 */
export interface AlarmRule {
  /** Letters, digits, `-`, `_`, `.`; made from the name when a new rule comes without one. */
  id: string
  name: string
  devices: string
  /** The field watched, nested as `a.b`; not for `stale`. */
  field?: string
  above?: number
  below?: number
  equals?: AlarmMatchValue
  notEquals?: AlarmMatchValue
  /** Seconds without a report from the device. */
  stale?: number
  /** How far the value must come back past the limit before the alarm clears (default 0). */
  deadband?: number
  /** Seconds the condition must hold before the alarm raises (default 0). */
  onDelay?: number
  /** Seconds the condition must be gone before the alarm clears (default 0). */
  offDelay?: number
  severity: AlarmSeverity
  notify?: NotifyTargets
  /** Still unacknowledged `afterSeconds` after it raised: `notify` is told too. */
  escalate?: { afterSeconds: number; notify: NotifyTargets }
  /** An acknowledgement must carry a comment (default false). */
  commentRequired?: boolean
  /** A disabled rule's alarms are out of service (default true). */
  enabled?: boolean
}

/** Where a rule in force comes from: made in the console (editable), or the rules file (not). */
export type AlarmRuleSource = 'console' | 'file'

export interface AlarmRuleInfo extends AlarmRule {
  source: AlarmRuleSource
}

/** How an action reached the console. */
export type AlarmActionVia = 'console' | 'api' | 'push' | 'system'

/** One alarm: a rule on one device. `id` is the same for that pair for good. */
export interface Alarm {
  id: string
  /** The rule's id. */
  rule: string
  /** The rule's name, as it was when the alarm last changed. */
  name: string
  device: string
  severity: AlarmSeverity
  state: AlarmState
  /** The value that raised it (null for `stale`: there was none). */
  value: unknown
  /** The latest value seen of the field. */
  currentValue: unknown
  /** When it last raised; null while it never did. */
  raisedAt: number | null
  /** When it last returned to normal, or null. */
  clearedAt: number | null
  /** Who acknowledged it: `operator`, or a push client's uid. */
  ackedBy: string | null
  ackedAt: number | null
  /** The comment of the last acknowledgement or shelving. */
  comment: string | null
  shelvedUntil: number | null
  /** The device's maintenance ends then (the alarm is out of service until). */
  maintenanceUntil: number | null
  /** The first alarm of a flood. */
  firstOut: boolean
  /** The operator silenced its tone (it is still unacknowledged). */
  silenced: boolean
  /** Its last change. */
  updatedAt: number
}

/** The kinds of record in the audit trail. */
export const ALARM_EVENT_TYPES = [
  'raised',
  'cleared',
  'acked',
  /** A phone's `ack` receipt that acknowledged nothing: `detail.reason` says why. */
  'ack-refused',
  'shelved',
  'unshelved',
  'silenced',
  'escalated',
  'notified',
  'notify-failed',
  'out-of-service',
  'in-service',
  'maintenance',
  'rule-created',
  'rule-changed',
  'rule-deleted',
  'flood-started',
  'flood-ended'
] as const
export type AlarmEventType = (typeof ALARM_EVENT_TYPES)[number]

/** One record of the audit trail (`GET /api/alarm-events`), oldest first. */
export interface AlarmEvent {
  time: number
  type: AlarmEventType
  /** The alarm it concerns, or null (rule and flood events). */
  alarm: string | null
  rule: string | null
  device: string | null
  severity: AlarmSeverity | null
  /** The state after the event, for alarm events. */
  state: AlarmState | null
  /** Who: `operator`, `viewer`… a push client's uid, or `system`. */
  by: string
  via: AlarmActionVia
  comment: string | null
  /** The value that raised or cleared it; the push clients notified; the minutes shelved… */
  detail: unknown
}

/** GET /api/alarm-events: all optional; newest `limit` (default 1,000, at most 10,000) in the range. */
export interface AlarmEventQuery {
  since?: number
  until?: number
  device?: string
  rule?: string
  alarm?: string
  limit?: number
}

/** GET /api/alarm-rules: all optional. */
export interface AlarmRuleQuery {
  /** Only the rules whose pattern matches this device id. */
  device?: string
}

/** GET /api/alarms: all optional. */
export interface AlarmQuery {
  state?: AlarmState
  severity?: AlarmSeverity
  device?: string
}

/** Who acts, as the audit trail records it: an operator's name (default `operator`). */
export interface ActorRequest {
  operator?: string
}

export interface AckRequest extends ActorRequest {
  comment?: string
}

export interface ShelveRequest extends ActorRequest {
  minutes: number
  comment?: string
}

export interface MaintenanceRequest extends ActorRequest {
  /** 0 ends a maintenance now. */
  minutes: number
  comment?: string
}

/** A device in maintenance: its alarms are out of service until `until`. */
export interface DeviceMaintenance {
  device: string
  /** null: not in maintenance (an ended one). */
  until: number | null
  comment: string | null
  by: string
}

/** The console's alarm load: EEMUA 191's flood, as the alarm bar shows it. */
export interface AlarmFlood {
  active: boolean
  /** When the flood began, or null. */
  since: number | null
  /** Alarms raised within the window now. */
  raisedInWindow: number
  /** More than this many raises within `windowMinutes` is a flood. */
  threshold: number
  windowMinutes: number
  /** The first alarm of the flood (first-out), or null. */
  firstOut: string | null
}

/** GET /api/alarms/stats. */
export interface AlarmStats {
  /** Alarms raised in the last 10 minutes, and the most in any 10 minutes of the last 24 hours. */
  per10Minutes: { now: number; peak: number }
  /** Alarms active for more than 24 hours now. */
  standing: number
  /** The 10 rules raising most in the last 24 hours. */
  badActors: { rule: string; name: string; raised: number }[]
  /** Seconds from raise to acknowledgement, over the last 24 hours; null with none. */
  timeToAckSeconds: { p50: number | null; p90: number | null; count: number }
  flood: AlarmFlood
  /** Reports the rules could not evaluate (a missing field, a string where a number was expected). */
  notEvaluated: number
}

/** POST /api/alarm-rules/preview: the devices the rule would be active on now. */
export interface AlarmRulePreview {
  devices: string[]
  /** Devices it matches. */
  matched: number
}

/** What a push message about an alarm carries as its `data` (phones ack it with a receipt). */
export interface AlarmPushData {
  type: 'alarm'
  event: 'raised' | 'escalated' | 'cleared' | 'flood'
  /** The alarms it is about: one, or those of a flood summary; a receipt `ack` acks them all. */
  alarms: string[]
  /**
   * Parallel to `alarms`: the raise each is about (its `raisedAt` then). A receipt `ack`
   * acknowledges an alarm only while it is still that raise: a phone's old message never
   * acknowledges a newer raise of the same alarm.
   */
  raisedAt: (number | null)[]
  severity: AlarmSeverity
  /** One line to show on a phone. */
  text: string
  time: number
}
