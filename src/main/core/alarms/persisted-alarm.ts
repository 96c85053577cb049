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
  /** Its escalation went out (since it was last announced). */
  escalated: boolean
  /**
   * When it was last annunciated (raised, or back from shelving or out of service still
   * active): escalation is timed from here. Absent in records stored before it was kept: the
   * raise then.
   */
  announcedAt?: number | null
  /** Shelved by the console itself for chattering (absent: false). */
  chattering?: boolean
}
