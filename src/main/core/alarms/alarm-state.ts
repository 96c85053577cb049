import type { AlarmState } from '../../../shared/alarm-types'

/** What an alarm's state is derived from. */
export interface AlarmStateFacts {
  /** Its rule is disabled or its device is in maintenance. */
  outOfService: boolean
  shelved: boolean
  /** The condition holds. */
  active: boolean
  acked: boolean
  raisedAt: number | null
}

/**
 * ISA-18.2's state, from the facts: out of service before shelved before the rest. An alarm
 * owing nothing (not active, and acknowledged or never raised) is `normal` even on a device in
 * maintenance, so it can leave memory; only shelving is kept for an alarm owing nothing, since
 * a chattering alarm shelved must stay shelved when it comes back.
 */
export function deriveAlarmState(facts: AlarmStateFacts): AlarmState {
  const owed = facts.active || (!facts.acked && facts.raisedAt !== null)
  if (!owed && !facts.shelved) return 'normal'
  if (facts.outOfService) return 'out-of-service'
  if (facts.shelved) return 'shelved'
  if (facts.active) return facts.acked ? 'active-acked' : 'active-unacked'
  return 'cleared-unacked'
}
