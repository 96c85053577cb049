import {
  ALARM_EVENT_TYPES,
  ALARM_SEVERITIES,
  ALARM_STATES,
  type AlarmActionVia,
  type AlarmEvent,
  type AlarmEventQuery
} from '../../../shared/alarm-types'
import type { PersistenceBackend } from '../persistence/persistence-backend'
import { RetainedDayLog } from '../persistence/retained-day-log'
import { dayOf } from '../persistence/utc-day'

export const AUDIT_DEFAULT_LIMIT = 1000
export const AUDIT_MAX_LIMIT = 10_000
const VIAS: readonly AlarmActionVia[] = ['console', 'api', 'push', 'system']

/**
 * The alarm audit trail: every raise, clear, acknowledgement, shelving, notification and rule
 * change, appended to a day log (`alarm-events`; NeDB backend: one NDJSON file per UTC day) and
 * deleted a whole day at a time past the retention time. Nothing is held in memory: a query
 * reads the days of its range only, newest first, until it has the newest `limit`; an export
 * streams.
 */
export class AlarmAuditLog {
  private constructor(private readonly retained: RetainedDayLog<AlarmEvent>) {}

  private get out() {
    return this.retained.log
  }

  /** Opens the log and deletes the days past retention. `now` is the clock (a fixed time in tests). */
  static async open(
    persistence: Pick<PersistenceBackend, 'dayLog'>,
    retentionDays: number,
    now: number | (() => number)
  ): Promise<AlarmAuditLog> {
    return new AlarmAuditLog(
      await RetainedDayLog.open<AlarmEvent>(persistence, 'alarm-events', {
        time: 'time',
        decode: eventOf,
        retentionDays,
        now
      })
    )
  }

  /** Appends an event; resolves once it is written. */
  append(event: AlarmEvent): Promise<void> {
    return this.out.append(recordOf(event))
  }

  /**
   * The newest `limit` events (default 1,000, at most 10,000) within `since`…`until` (both
   * included) of the device, rule and alarm asked for, oldest first. The days are read from the
   * newest back, and no older day is read once `limit` are found: the last hour of a trail kept
   * for a year costs a day or two, not the year.
   */
  async query(q: AlarmEventQuery): Promise<AlarmEvent[]> {
    const requested = q.limit ?? AUDIT_DEFAULT_LIMIT
    const limit = Number.isFinite(requested)
      ? Math.min(Math.max(1, Math.floor(requested)), AUDIT_MAX_LIMIT)
      : AUDIT_DEFAULT_LIMIT
    const days: AlarmEvent[][] = [] // newest day first
    let found = 0
    let day: AlarmEvent[] = []
    let current: string | null = null
    for await (const event of this.matching(q, true)) {
      const of = dayOf(event.time)
      if (of !== current) {
        // The day before is whole now (a day's records come together).
        if (current !== null) {
          days.push(day)
          found += day.length
          if (found >= limit) break
        }
        day = []
        current = of
      }
      day.push(event)
      // Trimmed in steps, not per event: a day's newest `limit` in O(limit) memory.
      if (day.length >= 2 * limit) day.splice(0, day.length - limit)
    }
    if (found < limit) days.push(day)
    return days.reverse().flat().slice(-limit)
  }

  /** Every event the query matches (its `limit` aside), oldest first, read as it goes: for export. */
  stream(q: Omit<AlarmEventQuery, 'limit'>): AsyncGenerator<AlarmEvent> {
    return this.matching(q, false)
  }

  private async *matching(
    q: Omit<AlarmEventQuery, 'limit'>,
    newestDayFirst: boolean
  ): AsyncGenerator<AlarmEvent> {
    const { device, rule, alarm } = q
    const range = { since: q.since, until: q.until }
    for await (const event of this.out.read(range, { newestDayFirst })) {
      if (device !== undefined && event.device !== device) continue
      if (rule !== undefined && event.rule !== rule) continue
      if (alarm !== undefined && event.alarm !== alarm) continue
      yield event
    }
  }

  /** The events since a time, oldest first: the KPIs of the last 24 hours, rebuilt at start. */
  recent(sinceMs: number): AsyncIterable<AlarmEvent> {
    return this.out.read({ since: sinceMs })
  }

  /** Deletes the days past retention (hourly, and at start). */
  prune(): Promise<void> {
    return this.retained.prune()
  }

  /** Resolves once every event appended so far is written. */
  flush(): Promise<void> {
    return this.out.flush()
  }

  /** Stops the pruning; resolves once every event appended so far is written. */
  close(): Promise<void> {
    return this.retained.close()
  }
}

/** The fields of an event, in their order, and nothing else (the engine's object may hold more). */
function recordOf(e: AlarmEvent): AlarmEvent {
  return {
    time: e.time,
    type: e.type,
    alarm: e.alarm,
    rule: e.rule,
    device: e.device,
    severity: e.severity,
    state: e.state,
    by: e.by,
    via: e.via,
    comment: e.comment,
    detail: e.detail ?? null
  }
}

const isIn = <T>(list: readonly T[], v: unknown): v is T => (list as readonly unknown[]).includes(v)
const stringOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string'

/** A stored line as an event, or null for one that is not (a hand edit, a newer version's type). */
function eventOf(doc: Record<string, unknown>): AlarmEvent | null {
  const { time, type, alarm, rule, device, severity, state, by, via, comment, detail } = doc
  if (typeof time !== 'number' || !Number.isFinite(time) || !isIn(ALARM_EVENT_TYPES, type))
    return null
  if (!stringOrNull(alarm) || !stringOrNull(rule) || !stringOrNull(device)) return null
  if (!stringOrNull(comment) || typeof by !== 'string' || !isIn(VIAS, via)) return null
  return {
    time,
    type,
    alarm,
    rule,
    device,
    severity: isIn(ALARM_SEVERITIES, severity) ? severity : null,
    state: isIn(ALARM_STATES, state) ? state : null,
    by,
    via,
    comment,
    detail: detail ?? null
  }
}
