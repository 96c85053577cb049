import type { Alarm, AlarmEvent, AlarmFlood, AlarmStats } from '../../../shared/alarm-types'

const DAY_MS = 86_400_000
const TEN_MINUTES_MS = 600_000
const BAD_ACTORS = 10

export interface AlarmStatsTrackerOptions {
  now?: () => number
  /** Raises (and acknowledgements) remembered at most; the oldest are dropped beyond it. */
  maxRecords?: number
}

interface Raise {
  time: number
  rule: string
}

interface Ack {
  time: number
  seconds: number
}

/**
 * The alarm KPIs of `GET /api/alarms/stats` (EEMUA 191's: raises per 10 minutes, standing
 * alarms, bad actors, time to acknowledge), from the audit trail's events as they happen (and
 * the last day's, replayed at start). Only the last 24 hours are kept, and at most `maxRecords`
 * raises and acknowledgements, so its memory is bounded whatever the alarm rate.
 */
export class AlarmStatsTracker {
  private readonly raises = new TimeOrdered<Raise>()
  private readonly acks = new TimeOrdered<Ack>()
  /** Per alarm, when it last raised: its acknowledgement is timed from then. */
  private readonly raisedAt = new Map<string, number>()
  private readonly now: () => number
  private readonly maxRecords: number

  constructor(options: AlarmStatsTrackerOptions = {}) {
    this.now = options.now ?? Date.now
    this.maxRecords = options.maxRecords ?? 200_000
  }

  record(event: AlarmEvent): void {
    if (event.type === 'raised' && event.rule !== null) {
      this.raises.add({ time: event.time, rule: event.rule }, this.maxRecords)
      if (event.alarm !== null) remember(this.raisedAt, event.alarm, event.time, this.maxRecords)
    } else if (event.type === 'acked' && event.alarm !== null) {
      const raisedAt = this.raisedAt.get(event.alarm)
      this.raisedAt.delete(event.alarm)
      // An alarm whose raise is not in the replayed day: not timed.
      if (raisedAt !== undefined && event.time >= raisedAt)
        this.acks.add(
          { time: event.time, seconds: (event.time - raisedAt) / 1000 },
          this.maxRecords
        )
    }
    this.prune()
  }

  /**
   * The KPIs now. A bad actor is named as its alarms show it, else as `ruleName` (the rules in
   * force) does, else by its id (a rule deleted since).
   */
  stats(
    alarms: readonly Alarm[],
    flood: AlarmFlood,
    notEvaluated: number,
    ruleName: (rule: string) => string | undefined = () => undefined
  ): AlarmStats {
    this.prune()
    const now = this.now()
    const raises = this.raises.items()

    let peak = 0
    let first = 0
    for (let last = 0; last < raises.length; last++) {
      while (raises[last]!.time - raises[first]!.time >= TEN_MINUTES_MS) first++
      peak = Math.max(peak, last - first + 1)
    }
    const recent = raises.length - this.raises.firstAfter(now - TEN_MINUTES_MS)

    const byRule = new Map<string, number>()
    for (const raise of raises) byRule.set(raise.rule, (byRule.get(raise.rule) ?? 0) + 1)
    const names = new Map<string, string>()
    for (const alarm of alarms) names.set(alarm.rule, alarm.name)
    const badActors = [...byRule]
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, BAD_ACTORS)
      .map(([rule, raised]) => ({
        rule,
        name: names.get(rule) ?? ruleName(rule) ?? rule,
        raised
      }))

    const seconds = this.acks
      .items()
      .map((a) => a.seconds)
      .sort((a, b) => a - b)

    return {
      per10Minutes: { now: recent, peak: Math.max(peak, recent) },
      standing: alarms.filter((a) => isStanding(a, now)).length,
      badActors,
      timeToAckSeconds: {
        p50: percentile(seconds, 0.5),
        p90: percentile(seconds, 0.9),
        count: seconds.length
      },
      flood,
      notEvaluated
    }
  }

  /** Lets go of what is older than a day. */
  private prune(): void {
    const since = this.now() - DAY_MS
    this.raises.dropBefore(since)
    this.acks.dropBefore(since)
  }
}

/** Active (or shelved while active) since more than a day. */
function isStanding(alarm: Alarm, now: number): boolean {
  if (alarm.raisedAt === null || now - alarm.raisedAt <= DAY_MS) return false
  if (alarm.state === 'active-unacked' || alarm.state === 'active-acked') return true
  return alarm.state === 'shelved' && (alarm.clearedAt === null || alarm.clearedAt < alarm.raisedAt)
}

/** Nearest rank: the smallest value with at least `p` of them at or below it. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!
}

/** Sets `key` as the newest entry, forgetting the oldest beyond `max`. */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key)
  map.set(key, value)
  if (map.size > max) map.delete(map.keys().next().value!)
}

/** Records in time order, dropped from the front without copying each time. */
class TimeOrdered<T extends { time: number }> {
  private list: T[] = []
  private head = 0

  items(): readonly T[] {
    this.compact(true)
    return this.list
  }

  add(item: T, max: number): void {
    const last = this.list[this.list.length - 1]
    if (last === undefined || last.time <= item.time) this.list.push(item)
    // Replayed or clock-stepped events can come out of order: put in place.
    else {
      const at = this.firstAfter(item.time) // first: it compacts, replacing the list
      this.list.splice(at, 0, item)
    }
    if (this.list.length - this.head > max) this.head++
    this.compact(false)
  }

  /** The index (into items()) of the first record later than `time`. */
  firstAfter(time: number): number {
    this.compact(true)
    let low = 0
    let high = this.list.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (this.list[mid]!.time <= time) low = mid + 1
      else high = mid
    }
    return low
  }

  dropBefore(time: number): void {
    while (this.head < this.list.length && this.list[this.head]!.time < time) this.head++
    this.compact(false)
  }

  /** Copies the kept records down once half are dropped (or at once, when `now`): amortised. */
  private compact(now: boolean): void {
    if (this.head === 0) return
    if (!now && this.head * 2 < this.list.length) return
    this.list = this.list.slice(this.head)
    this.head = 0
  }
}
