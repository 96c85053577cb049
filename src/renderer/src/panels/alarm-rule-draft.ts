import type {
  AlarmMatchValue,
  AlarmRule,
  AlarmSeverity,
  NotifyTargets
} from '../../../shared/alarm-types'

/** The one condition a rule has. */
export const CONDITION_KINDS = ['above', 'below', 'equals', 'notEquals', 'stale'] as const
export type ConditionKind = (typeof CONDITION_KINDS)[number]

export type NotifyMode = 'none' | 'all' | 'uids'

/** A rule as its form holds it: text as typed, turned into a rule only when sent. */
export interface RuleDraft {
  /** The rule edited; null for a new one. */
  id: string | null
  name: string
  devices: string
  kind: ConditionKind
  value: string
  field: string
  deadband: string
  onDelay: string
  offDelay: string
  severity: AlarmSeverity
  notify: NotifyMode
  notifyUids: string
  /** Empty: no escalation. */
  escalateAfter: string
  escalateNotify: Exclude<NotifyMode, 'none'>
  escalateUids: string
  commentRequired: boolean
  enabled: boolean
}

/** The form's inputs a refusal can point at. */
export type DraftField = Exclude<keyof RuleDraft, 'id' | 'notifyUids' | 'escalateUids'>

export const NEW_RULE: RuleDraft = {
  id: null,
  name: '',
  devices: '*',
  kind: 'above',
  value: '',
  field: '',
  deadband: '',
  onDelay: '',
  offDelay: '',
  severity: 'high',
  notify: 'none',
  notifyUids: '',
  escalateAfter: '',
  escalateNotify: 'all',
  escalateUids: '',
  commentRequired: false,
  enabled: true
}

const optionalNumber = (text: string): number | undefined =>
  text.trim() === '' ? undefined : Number(text)
const numberText = (n: number | undefined): string => (n === undefined ? '' : String(n))

/**
 * What `equals` compares with, as typed: JSON for a number, `true`, `false`, `null` or a
 * quoted string (`"42"` is the text 42); anything else is the text itself.
 */
export function matchValue(text: string): AlarmMatchValue {
  try {
    const parsed = JSON.parse(text) as unknown
    if (parsed === null || ['string', 'number', 'boolean'].includes(typeof parsed))
      return parsed as AlarmMatchValue
  } catch {
    // not JSON: the text as it is
  }
  return text
}

function matchText(value: AlarmMatchValue | undefined): string {
  if (value === undefined) return ''
  // A string that would read as something else is quoted, so it comes back as the same string.
  return typeof value === 'string' && matchValue(value) === value ? value : JSON.stringify(value)
}

function targets(mode: NotifyMode, uids: string): NotifyTargets | undefined {
  if (mode === 'none') return undefined
  if (mode === 'all') return 'all'
  return uids
    .split(/[\s,]+/)
    .map((u) => u.trim())
    .filter((u) => u !== '')
}

const modeOf = (notify: NotifyTargets | undefined): NotifyMode =>
  notify === undefined ? 'none' : notify === 'all' ? 'all' : 'uids'
const uidsOf = (notify: NotifyTargets | undefined): string =>
  Array.isArray(notify) ? notify.join(', ') : ''

export function draftFromRule(rule: AlarmRule): RuleDraft {
  const kind = CONDITION_KINDS.find((k) => rule[k] !== undefined) ?? 'above'
  const value =
    kind === 'equals' || kind === 'notEquals' ? matchText(rule[kind]) : numberText(rule[kind])
  return {
    id: rule.id,
    name: rule.name,
    devices: rule.devices,
    kind,
    value,
    field: rule.field ?? '',
    deadband: numberText(rule.deadband),
    onDelay: numberText(rule.onDelay),
    offDelay: numberText(rule.offDelay),
    severity: rule.severity,
    notify: modeOf(rule.notify),
    notifyUids: uidsOf(rule.notify),
    escalateAfter: numberText(rule.escalate?.afterSeconds),
    escalateNotify:
      rule.escalate?.notify === undefined || rule.escalate.notify === 'all' ? 'all' : 'uids',
    escalateUids: uidsOf(rule.escalate?.notify),
    commentRequired: rule.commentRequired ?? false,
    enabled: rule.enabled ?? true
  }
}

/** The rule to send; empty optional inputs are left out, for the console's defaults. */
export function ruleFromDraft(draft: RuleDraft): Omit<AlarmRule, 'id'> & { id?: string } {
  const condition =
    draft.kind === 'equals' || draft.kind === 'notEquals'
      ? { [draft.kind]: matchValue(draft.value) }
      : { [draft.kind]: optionalNumber(draft.value) ?? Number.NaN }
  const escalateAfter = optionalNumber(draft.escalateAfter)
  const rule = {
    ...(draft.id === null ? {} : { id: draft.id }),
    name: draft.name.trim(),
    devices: draft.devices.trim(),
    ...(draft.kind === 'stale' ? {} : { field: draft.field.trim() }),
    ...condition,
    deadband: optionalNumber(draft.deadband),
    onDelay: optionalNumber(draft.onDelay),
    offDelay: optionalNumber(draft.offDelay),
    severity: draft.severity,
    notify: targets(draft.notify, draft.notifyUids),
    escalate:
      escalateAfter === undefined
        ? undefined
        : {
            afterSeconds: escalateAfter,
            notify: targets(draft.escalateNotify, draft.escalateUids) ?? 'all'
          },
    commentRequired: draft.commentRequired,
    enabled: draft.enabled
  }
  // Left out, not sent as undefined: the console refuses unknown and null fields alike.
  return Object.fromEntries(Object.entries(rule).filter(([, v]) => v !== undefined)) as Omit<
    AlarmRule,
    'id'
  > & { id?: string }
}

/** The console's path of a field at fault → the form's input that holds it. */
const INPUT_OF: Record<string, DraftField> = {
  id: 'name',
  name: 'name',
  devices: 'devices',
  field: 'field',
  above: 'value',
  below: 'value',
  equals: 'value',
  notEquals: 'value',
  stale: 'value',
  deadband: 'deadband',
  onDelay: 'onDelay',
  offDelay: 'offDelay',
  severity: 'severity',
  notify: 'notify',
  'escalate.afterSeconds': 'escalateAfter',
  'escalate.notify': 'escalateNotify',
  escalate: 'escalateAfter',
  commentRequired: 'commentRequired',
  enabled: 'enabled'
}

/**
 * A 400's message, `<field>: <message>` (`above: must be a number`, `escalate.notify.0: …`),
 * as the input it concerns and what to say there; null when it names no input of the form.
 */
export function fieldErrorOf(message: string): { field: DraftField; message: string } | null {
  const match = /^([A-Za-z][\w.]*): (.+)$/s.exec(message)
  if (match === null) return null
  const path = match[1]!.split('.')
  // The longest known prefix: `escalate.notify.0` is the escalation's notify input.
  for (let n = path.length; n > 0; n--) {
    const field = INPUT_OF[path.slice(0, n).join('.')]
    if (field !== undefined) return { field, message: match[2]! }
  }
  return null
}

/** A rule's condition as one line: `temp > 90`, `state = "fault"`; `stale` is worded apart. */
export function conditionText(rule: AlarmRule): string | { staleSeconds: number } {
  if (rule.stale !== undefined) return { staleSeconds: rule.stale }
  const field = rule.field ?? ''
  if (rule.above !== undefined) return `${field} > ${rule.above}`
  if (rule.below !== undefined) return `${field} < ${rule.below}`
  if (rule.equals !== undefined) return `${field} = ${JSON.stringify(rule.equals)}`
  if (rule.notEquals !== undefined) return `${field} ≠ ${JSON.stringify(rule.notEquals)}`
  return field
}
