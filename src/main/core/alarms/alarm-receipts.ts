import { z } from 'zod'

import { ALARM_SEVERITIES } from '../../../shared/alarm-types'

/** Alarms one receipt acknowledges at most (a flood summary names no more). */
const MAX_ACKED = 1000

/** AlarmPushData as a message's data must look for its receipt to acknowledge anything. */
const alarmPushDataSchema = z.object({
  type: z.literal('alarm'),
  event: z.enum(['raised', 'escalated', 'cleared', 'flood']),
  alarms: z.array(z.string().min(1)),
  severity: z.enum(ALARM_SEVERITIES),
  text: z.string(),
  time: z.number()
})

/**
 * The alarm ids a push receipt acknowledges: those of an alarm message (AlarmPushData) whose
 * receipt status is `ack` (any case, trimmed). Any other message or status acknowledges none —
 * `read`, `seen` and the like only say the phone showed it. A message's data may have been
 * sent by anyone with the access key, so it is checked, never trusted.
 */
export function alarmsAckedBy(data: unknown, status: string): string[] {
  if (status.trim().toLowerCase() !== 'ack') return []
  const parsed = alarmPushDataSchema.safeParse(data)
  if (!parsed.success) return []
  return [...new Set(parsed.data.alarms)].slice(0, MAX_ACKED)
}
