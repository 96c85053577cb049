import type { AlarmMatchValue, AlarmRule } from '../../../shared/alarm-types'
import type { StoredReport } from '../../../shared/ingest-protocol'
import { fieldValue } from './field-value'

/** The condition a rule watches; a rule carries exactly one (the rule parser sees to that). */
export type RuleKind = 'above' | 'below' | 'equals' | 'notEquals' | 'stale'

/**
 * What one reading says of a rule's condition:
 * - `raise`: the condition holds;
 * - `clear`: it is gone (past the deadband);
 * - `hold`: inside the deadband, the alarm keeps whatever state it has (hysteresis);
 * - `skip`: the reading cannot be evaluated (missing, or not the kind of value the rule
 *   compares); the engine counts it and changes nothing.
 */
export type ConditionDecision = 'raise' | 'clear' | 'hold' | 'skip'

/** The rule's condition, or null for a rule with none (nothing to evaluate). */
export function ruleKind(rule: AlarmRule): RuleKind | null {
  if (rule.above !== undefined) return 'above'
  if (rule.below !== undefined) return 'below'
  if (rule.equals !== undefined) return 'equals'
  if (rule.notEquals !== undefined) return 'notEquals'
  if (rule.stale !== undefined) return 'stale'
  return null
}

/**
 * The decision for `value`, the rule's field in one report. For `stale` any report is news
 * from the device, so it clears; going stale is found by the clock, not by a reading. `kind`:
 * the rule's, when the caller keeps it (the engine does, per rule, for every report).
 */
export function conditionDecision(
  rule: AlarmRule,
  value: unknown,
  kind: RuleKind | null = ruleKind(rule)
): ConditionDecision {
  switch (kind) {
    case 'above': {
      const limit = rule.above
      if (!isFiniteNumber(value) || !isFiniteNumber(limit)) return 'skip'
      if (value > limit) return 'raise'
      return value <= limit - deadbandOf(rule) ? 'clear' : 'hold'
    }
    case 'below': {
      const limit = rule.below
      if (!isFiniteNumber(value) || !isFiniteNumber(limit)) return 'skip'
      if (value < limit) return 'raise'
      return value >= limit + deadbandOf(rule) ? 'clear' : 'hold'
    }
    case 'equals':
      if (!isMatchValue(value)) return 'skip'
      return value === rule.equals ? 'raise' : 'clear'
    case 'notEquals':
      if (!isMatchValue(value)) return 'skip'
      return value !== rule.notEquals ? 'raise' : 'clear'
    case 'stale':
      return 'clear'
    default:
      return 'skip'
  }
}

/**
 * Whether the rule would be active now on this report, for a preview: its condition raises on
 * the report's field (a reading inside the deadband is not counted: whether it is active then
 * depends on its history). For `stale`, whether nothing came for more than `stale` seconds
 * since `lastReportAt`, or the report's time when that is not given.
 */
export function conditionHolds(
  rule: AlarmRule,
  report: StoredReport | undefined,
  now: number,
  lastReportAt?: number
): boolean {
  if (ruleKind(rule) === 'stale') {
    const last = lastReportAt ?? report?.time
    return isFiniteNumber(last) && isFiniteNumber(rule.stale) && now - last > rule.stale * 1000
  }
  if (report === undefined) return false
  return conditionDecision(rule, fieldValue(report, rule.field)) === 'raise'
}

function deadbandOf(rule: AlarmRule): number {
  return isFiniteNumber(rule.deadband) && rule.deadband > 0 ? rule.deadband : 0
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

/** The values `equals` compares; an object or array is never equal nor unequal to one. */
function isMatchValue(value: unknown): value is AlarmMatchValue {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    isFiniteNumber(value)
  )
}
