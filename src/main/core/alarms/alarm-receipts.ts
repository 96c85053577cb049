import { z } from 'zod'

import { ALARM_SEVERITIES } from '../../../shared/alarm-types'
import { SUMMARY_MAX_ALARMS } from './alarm-notifier'

/** An alarm a receipt acknowledges, and the raise its message was about. */
export interface AckedRaise {
  id: string
  raisedAt: number | null
}

/** AlarmPushData as a message's data must look for its receipt to acknowledge anything. */
const alarmPushDataSchema = z
  .object({
    type: z.literal('alarm'),
    event: z.enum(['raised', 'escalated', 'cleared', 'flood']),
    alarms: z.array(z.string().min(1)),
    raisedAt: z.array(z.number().nullable()),
    severity: z.enum(ALARM_SEVERITIES),
    text: z.string(),
    time: z.number()
  })
  .refine((data) => data.raisedAt.length === data.alarms.length)

/**
 * The alarms a push receipt acknowledges, each with the raise it was told of: those of an alarm
 * message (AlarmPushData) whose receipt status is `ack` (any case, trimmed). Any other message
 * or status acknowledges none — `read`, `seen` and the like only say the phone showed it — and
 * so does a `cleared` message: acknowledging it would acknowledge what the phone was not shown.
 * A message's data may have been sent by anyone with the access key, so it is checked, never
 * trusted; one without `raisedAt` (sent by an earlier version) cannot say which raise it meant.
 */
export function alarmsAckedBy(data: unknown, status: string): AckedRaise[] {
  if (status.trim().toLowerCase() !== 'ack') return []
  const parsed = alarmPushDataSchema.safeParse(data)
  if (!parsed.success || parsed.data.event === 'cleared') return []
  const acked = new Map<string, number | null>()
  parsed.data.alarms.forEach((id, i) => {
    if (!acked.has(id) && acked.size < SUMMARY_MAX_ALARMS) acked.set(id, parsed.data.raisedAt[i]!)
  })
  return [...acked].map(([id, raisedAt]) => ({ id, raisedAt }))
}
