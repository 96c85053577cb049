import type { Alarm, NotifyTargets } from '../../../shared/alarm-types'

/**
 * An alarm as the state store keeps it across a restart: what the API shows, and what the engine
 * needs besides to go on where it stopped.
 */
export interface PersistedAlarm extends Alarm {
  /** The condition holds (after its on-delay). */
  active: boolean
  /** Acknowledged since it last raised. */
  acked: boolean
  /** Who was told when it raised, or null when nobody was (yet). */
  notified: NotifyTargets | null
  /** Its escalation went out. */
  escalated: boolean
}
