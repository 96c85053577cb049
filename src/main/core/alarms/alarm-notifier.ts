import {
  ALARM_SEVERITIES,
  type Alarm,
  type AlarmEvent,
  type AlarmFlood,
  type AlarmPushData,
  type AlarmSeverity,
  type NotifyTargets
} from '../../../shared/alarm-types'
import type { MessageAccepted } from '../../../shared/api-types'
import type { Logger } from '../runtime/logger'
import type { AlarmNotification } from './engine-output'

export interface AlarmNotifierOptions {
  messages: { send(to: string | undefined, data: unknown): Promise<MessageAccepted> }
  /** Every registered push client's uid (for `all`: registered, not only connected, so an offline phone gets it when it comes back). */
  clientUids: () => string[]
  flood: () => AlarmFlood
  /** Audit: a 'notified' event (detail: { uids, messages, kind }) or 'notify-failed' (detail: { uid, reason }). */
  audit: (event: AlarmEvent) => void
  logger: Logger
  now: () => number
  /** How often, at most, a phone gets a flood summary (60 s). */
  summaryEveryMs?: number
}

/**
 * Alarm ids one flood summary names at most; the rest are only counted in its text. A message
 * stays small enough for any phone, and one `ack` never acknowledges more than a person could
 * have read.
 */
export const SUMMARY_MAX_ALARMS = 100
/** Alarms whose notified phones are remembered (for their `cleared`), oldest forgotten first. */
const MAX_REMEMBERED = 10_000
/** A phone shows one line: longer texts are cut. */
const MAX_TEXT = 300

/** Alarms a summary names, and how many more it counts. */
interface Named {
  /** Each with the raise it is about (its latest in the minute). */
  alarms: Map<string, number | null>
  /** Beyond SUMMARY_MAX_ALARMS: counted, not named. */
  more: number
}

/** Raises and escalations with the same targets, collected during a flood. */
interface FloodBatch extends Named {
  targets: NotifyTargets
  worst: Alarm
}

/**
 * Tells the phones about alarms: a point-to-point push message per target uid (so an offline
 * phone gets it when it comes back), one line of text and the alarm ids a receipt `ack`
 * acknowledges. A clear goes only to the phones that were told of the alarm. During a flood,
 * raises, escalations and clears are collected instead, and every phone concerned gets one
 * summary a minute: its raises (which an `ack` acknowledges) with how many of its alarms
 * cleared, or, with clears alone, one `cleared` message naming them. Sending never throws: a
 * failure is an audit record.
 */
export class AlarmNotifier {
  /** Per alarm, who was told of it: a clear goes to them. */
  private readonly told = new Map<string, 'all' | Set<string>>()
  /** The flood's collected notifications, by their targets. */
  private readonly batches = new Map<string, FloodBatch>()
  /** Per phone, the alarms it was told of that cleared in the flood's minute (and the latest). */
  private readonly floodClears = new Map<string, Named & { latest: Alarm }>()
  /** When the first notification of the summary being collected came, or null. */
  private summaryOpenedAt: number | null = null
  private readonly inFlight = new Set<Promise<void>>()
  private readonly summaryEveryMs: number
  private stopped = false

  constructor(private readonly options: AlarmNotifierOptions) {
    this.summaryEveryMs = options.summaryEveryMs ?? 60_000
  }

  notify(n: AlarmNotification): void {
    if (this.stopped) return
    const { alarm } = n
    const flooding = this.options.flood().active
    if (n.kind === 'cleared') {
      const told = this.told.get(alarm.id)
      this.told.delete(alarm.id)
      // An alarm raised before a restart: who was told is not known, its targets are the best guess.
      const uids =
        told === undefined
          ? this.resolve(n.targets)
          : told === 'all'
            ? this.options.clientUids()
            : [...told]
      if (uids.length === 0) return
      if (flooding) this.collectClear(uids, alarm)
      else this.sendTo(uids, this.pushData(n), n.kind, alarm)
      return
    }
    this.remember(alarm.id, n.targets)
    if (flooding) {
      this.collect(n)
      return
    }
    const uids = this.resolve(n.targets)
    if (uids.length === 0 && n.targets === 'all') {
      this.audit('notify-failed', alarm, alarm.severity, {
        uid: null,
        reason: 'no push client is registered'
      })
      return
    }
    this.sendTo(uids, this.pushData(n), n.kind, alarm)
  }

  /** Sends the flood summary once it has collected for a minute. */
  tick(): void {
    if (this.stopped || this.summaryOpenedAt === null) return
    if (this.options.now() - this.summaryOpenedAt < this.summaryEveryMs) return
    const batches = [...this.batches.values()]
    this.batches.clear()
    const clears = new Map(this.floodClears)
    this.floodClears.clear()
    this.summaryOpenedAt = null
    // A phone in several batches gets one summary of them all; phones in the same batches,
    // with the same clears, share one summary's data.
    const byUid = new Map<string, number[]>()
    batches.forEach((batch, index) => {
      for (const uid of this.resolve(batch.targets)) {
        const of = byUid.get(uid) ?? []
        of.push(index)
        byUid.set(uid, of)
      }
    })
    for (const uid of clears.keys()) if (!byUid.has(uid)) byUid.set(uid, [])
    const groups = new Map<
      string,
      { batches: FloodBatch[]; cleared: (Named & { latest: Alarm }) | undefined; uids: string[] }
    >()
    for (const [uid, indexes] of byUid) {
      const cleared = clears.get(uid)
      const key = `${indexes.join(',')}|${cleared === undefined ? '' : [...cleared.alarms.keys(), cleared.more].join(',')}`
      const group = groups.get(key) ?? {
        batches: indexes.map((i) => batches[i]!),
        cleared,
        uids: []
      }
      group.uids.push(uid)
      groups.set(key, group)
    }
    const sends = [...groups.values()].map((group) => ({
      uids: group.uids,
      data:
        group.batches.length > 0
          ? this.summaryData(group.batches, group.cleared)
          : this.clearedSummaryData(group.cleared!)
    }))
    const worst = sends
      .map((s) => s.data.severity)
      .reduce<AlarmSeverity | null>((a, b) => (a === null || rank(b) < rank(a) ? b : a), null)
    this.track(this.deliver(sends, 'flood', null, worst))
  }

  /** Nothing more is sent or collected; sends in flight are not audited any more. */
  stop(): void {
    this.stopped = true
    this.batches.clear()
    this.floodClears.clear()
    this.summaryOpenedAt = null
  }

  /** Resolves when every send begun so far has finished and is audited (for specs and stop). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight])
  }

  // ---- inside ----

  private resolve(targets: NotifyTargets): string[] {
    return targets === 'all' ? this.options.clientUids() : [...new Set(targets)]
  }

  private remember(id: string, targets: NotifyTargets): void {
    const known = this.told.get(id)
    this.told.delete(id) // re-inserted last: the oldest told is forgotten first
    if (known === 'all' || targets === 'all') this.told.set(id, 'all')
    else this.told.set(id, new Set([...(known ?? []), ...targets]))
    if (this.told.size > MAX_REMEMBERED) this.told.delete(this.told.keys().next().value!)
  }

  private forget(id: string, uid: string): void {
    const known = this.told.get(id)
    if (known instanceof Set) known.delete(uid)
  }

  private collect(n: AlarmNotification): void {
    const key = n.targets === 'all' ? 'all' : JSON.stringify([...new Set(n.targets)].sort())
    let batch = this.batches.get(key)
    if (batch === undefined) {
      batch = { targets: n.targets, alarms: new Map(), more: 0, worst: n.alarm }
      this.batches.set(key, batch)
    }
    // Escalated after it raised in the same minute: one alarm, perhaps more urgent now; raised
    // again within it: the newer raise is the one an `ack` is for.
    name(batch, n.alarm)
    if (rank(n.alarm.severity) < rank(batch.worst.severity)) batch.worst = n.alarm
    this.summaryOpenedAt ??= this.options.now()
  }

  /** A clear in a flood: counted in the next summary of each phone told of the alarm. */
  private collectClear(uids: string[], alarm: Alarm): void {
    for (const uid of uids) {
      let cleared = this.floodClears.get(uid)
      if (cleared === undefined) {
        cleared = { alarms: new Map(), more: 0, latest: alarm }
        this.floodClears.set(uid, cleared)
      }
      name(cleared, alarm)
      cleared.latest = alarm
    }
    this.summaryOpenedAt ??= this.options.now()
  }

  private pushData(n: AlarmNotification): AlarmPushData {
    const { alarm } = n
    const what = nameOf(alarm)
    const severity = alarm.severity.toUpperCase()
    const value = shown(alarm.value)
    const since = clock(alarm.raisedAt ?? this.options.now())
    const text =
      n.kind === 'cleared'
        ? clearedText(alarm)
        : n.kind === 'raised'
          ? `${severity} ${what}${value === null ? '' : `: ${value}`} (raised ${since})`
          : `ESCALATED ${severity} ${what}${value === null ? '' : `: ${value}`}, unacknowledged since ${since}`
    return {
      type: 'alarm',
      event: n.kind,
      alarms: [alarm.id],
      raisedAt: [alarm.raisedAt],
      severity: alarm.severity,
      text: oneLine(text),
      time: this.options.now()
    }
  }

  private summaryData(batches: FloodBatch[], cleared: Named | undefined): AlarmPushData {
    const raises = new Map<string, number | null>()
    let more = 0
    let worst = batches[0]!.worst
    for (const batch of batches) {
      for (const [id, raisedAt] of batch.alarms) raises.set(id, raisedAt)
      more += batch.more
      if (rank(batch.worst.severity) < rank(worst.severity)) worst = batch.worst
    }
    const count = countOf({ alarms: raises, more })
    const listed = [...raises].slice(0, SUMMARY_MAX_ALARMS)
    const unnamed = count - listed.length
    // The counts before the names: a long name cut at MAX_TEXT must not take them with it.
    const clearedCount = cleared === undefined ? 0 : countOf(cleared)
    const text =
      `FLOOD: ${count} alarm${count === 1 ? '' : 's'} in the last minute` +
      (unnamed > 0 ? ` (${listed.length} in this message, ${unnamed} more in the console)` : '') +
      (clearedCount > 0 ? `, ${clearedCount} cleared` : '') +
      `, worst ${worst.severity.toUpperCase()} ${nameOf(worst)}`
    return {
      type: 'alarm',
      event: 'flood',
      alarms: listed.map(([id]) => id),
      raisedAt: listed.map(([, raisedAt]) => raisedAt),
      severity: worst.severity,
      text: oneLine(text),
      time: this.options.now()
    }
  }

  /** A phone whose alarms only cleared in the flood's minute: one `cleared` message of them. */
  private clearedSummaryData(cleared: Named & { latest: Alarm }): AlarmPushData {
    const count = countOf(cleared)
    const { latest } = cleared
    const text =
      count === 1
        ? clearedText(latest)
        : `cleared: ${count} alarms in the last minute (flood), latest ${nameOf(latest)}`
    return {
      type: 'alarm',
      event: 'cleared',
      alarms: [...cleared.alarms.keys()],
      raisedAt: [...cleared.alarms.values()],
      severity: latest.severity,
      text: oneLine(text),
      time: this.options.now()
    }
  }

  private sendTo(
    uids: string[],
    data: AlarmPushData,
    kind: AlarmNotification['kind'],
    alarm: Alarm
  ): void {
    this.track(this.deliver([{ uids, data }], kind, alarm, alarm.severity))
  }

  /** Sends each data to its uids, then audits who got it and who could not be told. */
  private async deliver(
    sends: { uids: string[]; data: AlarmPushData }[],
    kind: AlarmPushData['event'],
    alarm: Alarm | null,
    severity: AlarmSeverity | null
  ): Promise<void> {
    const each = sends.flatMap(({ uids, data }) => uids.map((uid) => ({ uid, data })))
    const results = await Promise.allSettled(
      each.map(({ uid, data }) => this.options.messages.send(uid, data))
    )
    if (this.stopped) return
    const uids: string[] = []
    const messages: string[] = []
    results.forEach((result, i) => {
      const { uid, data } = each[i]!
      if (result.status === 'fulfilled') {
        uids.push(uid)
        messages.push(result.value.id)
        return
      }
      // Not told after all: its clear is not for this phone.
      for (const id of data.alarms) this.forget(id, uid)
      const reason = result.reason instanceof Error ? result.reason.message : String(result.reason)
      this.options.logger.warn({ uid, alarm: alarm?.id, reason }, 'could not notify a push client')
      this.audit('notify-failed', alarm, severity, { uid, reason })
    })
    if (uids.length > 0) this.audit('notified', alarm, severity, { uids, messages, kind })
  }

  private audit(
    type: 'notified' | 'notify-failed',
    alarm: Alarm | null,
    severity: AlarmSeverity | null,
    detail: unknown
  ): void {
    try {
      this.options.audit({
        time: this.options.now(),
        type,
        alarm: alarm?.id ?? null,
        rule: alarm?.rule ?? null,
        device: alarm?.device ?? null,
        severity,
        state: alarm?.state ?? null,
        by: 'system',
        via: 'system',
        comment: null,
        detail
      })
    } catch (error) {
      this.options.logger.error({ err: error, type }, 'could not audit a notification')
    }
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) =>
      this.options.logger.error({ err: error }, 'notifying the push clients failed')
    )
    this.inFlight.add(tracked)
    void tracked.finally(() => this.inFlight.delete(tracked))
  }
}

/** `alarm` among those `named` (its newest raise), or counted once SUMMARY_MAX_ALARMS are. */
function name(named: Named, alarm: Alarm): void {
  if (named.alarms.has(alarm.id) || named.alarms.size < SUMMARY_MAX_ALARMS)
    named.alarms.set(alarm.id, alarm.raisedAt)
  else named.more++
}

/** How many alarms `named` stands for: those it names and those it only counts. */
function countOf(named: Named): number {
  return named.alarms.size + named.more
}

/** An alarm as a phone's text names it: its rule's name and its device. */
function nameOf(alarm: Alarm): string {
  return `${alarm.name} — ${alarm.device}`
}

/** The text that tells a phone one alarm cleared, alone or as a flood's only clear. */
function clearedText(alarm: Alarm): string {
  return `cleared: ${nameOf(alarm)}`
}

function rank(severity: AlarmSeverity): number {
  return ALARM_SEVERITIES.indexOf(severity)
}

/** `14:03 UTC`: phones may be anywhere; the console's clock is UTC. */
function clock(time: number): string {
  return `${new Date(time).toISOString().slice(11, 16)} UTC`
}

/** A value as a phone shows it, short; null when there is none (a `stale` alarm). */
function shown(value: unknown): string | null {
  if (value === null || value === undefined) return null
  let text: string
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))
  } catch {
    text = String(value)
  }
  return text.length > 40 ? `${text.slice(0, 39)}…` : text
}

/** Control characters (a device's string value may carry a newline) become spaces; bounded. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
  return line.length > MAX_TEXT ? `${line.slice(0, MAX_TEXT - 1)}…` : line
}
