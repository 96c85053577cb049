import type {
  Alarm,
  AlarmEvent,
  AlarmEventType,
  AlarmFlood,
  AlarmRuleInfo,
  AlarmState,
  DeviceMaintenance
} from '../../../shared/alarm-types'
import type { StoredReport } from '../../../shared/ingest-protocol'
import { OperationError } from '../operations/operation-error'
import { conditionDecision, type ConditionDecision } from './alarm-condition'
import { alarmId } from './alarm-id'
import {
  newRecord,
  recordFromPersisted,
  toAlarm,
  toPersisted,
  type AlarmRecord
} from './alarm-record'
import { deriveAlarmState } from './alarm-state'
import { boundedValue } from './bounded-value'
import { CHATTERING, ChatterDetector } from './chatter-detector'
import {
  OutputCollector,
  SYSTEM_ACTOR,
  type ActionActor,
  type AlarmNotification,
  type EngineOutput
} from './engine-output'
import { fieldValue } from './field-value'
import { FloodDetector } from './flood-detector'
import { copyTargets, hasTargets, mergeTargets } from './notify-targets'
import type { PersistedAlarm } from './persisted-alarm'
import { RuleIndex, type IndexedRule } from './rule-index'

export type { ActionActor, AlarmNotification, EngineOutput, PersistedAlarm }
export { CHATTERING }

/** What `restore` did not take back: for the store to remove. */
export interface RestoreResult {
  /**
   * Ids of stored alarms not held: malformed, normal, of a rule gone or no longer covering
   * the device, or beyond `maxAlarms`.
   */
  droppedAlarms: string[]
  /** Devices whose stored maintenance had ended (or was malformed). */
  droppedMaintenance: string[]
}

export interface EngineCounters {
  notEvaluated: number
  held: number
  /**
   * Alarms not raised because `maxAlarms` were held: each counted once, until its condition
   * clears (so it grows with each new alarm refused, not with each report of one).
   */
  refusedForLimit: number
  /** Alarms whose on-delay was running, let go to make room for one that raised. */
  evictedForLimit: number
  /** Whether `maxAlarms` are held now. */
  atLimit: boolean
  rules: number
  /** Devices whose silence a `stale` rule watches. */
  watchedDevices: number
}

export interface AlarmEngineOptions {
  now: () => number
  /**
   * Alarms held at once (not normal, or a delay running); beyond, one with only its on-delay
   * running gives way to a new one that raises, else the new one is refused.
   */
  maxAlarms: number
  /** The longest an alarm may be shelved. */
  maxShelveMs: number
  flood: { threshold: number; windowMs: number }
}

/** A device's maintenance may last a week at most: one forgotten must still come to an end. */
export const MAX_MAINTENANCE_MINUTES = 7 * 24 * 60

/** Alarms refused for the limit remembered at once, so each is counted once. */
const MAX_REFUSED_REMEMBERED = 100_000

/**
 * The alarms of the rules in force, as ISA-18.2 has them: reports in, transitions out. Pure and
 * synchronous: no I/O and no timers; the clock is injected and time passes only when the caller
 * calls `tick()` (delays, staleness, shelving and maintenance ending, escalation, flood end).
 * Every call returns what changed, for the caller to store, show, log and send.
 *
 * Only alarms that are not normal, or have a delay running, are held; a normal one is implied
 * (and is made again, from its rule and device, when it raises). What is kept per device is
 * bounded by the devices the caller knows: `forgetDevice` lets one go.
 */
export class AlarmEngine {
  private rules = new RuleIndex([])
  private rulesSet = false
  private readonly alarms = new Map<string, AlarmRecord>()
  /**
   * The same records by rule, then device: a report finds its alarm by two lookups of strings
   * whose hashes are kept, not by hashing a key joined for each rule of each report.
   */
  private readonly byPair = new PairMap<AlarmRecord>()
  /** When each device last reported, for the devices some `stale` rule covers. */
  private readonly lastReportAt = new Map<string, number>()
  private readonly devicesInMaintenance = new Map<string, DeviceMaintenance>()
  private readonly floods: FloodDetector
  /** The flood's count viewers were last sent (they are sent it as it moves in a flood). */
  private floodShown = 0
  private readonly chatter: ChatterDetector
  /** Records that may be held only for their on-delay (checked again when one must go). */
  private readonly onDelayOnly = new Set<AlarmRecord>()
  /** Rule × device pairs refused for the limit, counted once until their condition clears. */
  private readonly refused = new Set<string>()
  private notEvaluated = 0
  private refusedForLimit = 0
  private evictedForLimit = 0

  constructor(private readonly options: AlarmEngineOptions) {
    this.floods = new FloodDetector(options.flood.threshold, options.flood.windowMs)
    this.chatter = new ChatterDetector(options.maxAlarms)
  }

  /**
   * Replaces the rules in force. A deleted rule's alarms leave (sent once as `normal`), as do
   * those of a device its changed pattern no longer covers; a disabled rule's alarms go out of
   * service, still following the condition (its reports keep them active or not, announcing
   * nothing, making no new alarm), and come back showing what holds then (announced again if
   * active, normal if not) when it is enabled; a changed rule keeps its alarms, re-evaluated
   * from the next report (a delay running starts over). Devices are matched again one by one,
   * as each next reports (or is seen), never all at once here.
   */
  setRules(rules: readonly AlarmRuleInfo[]): EngineOutput {
    const now = this.options.now()
    const out = new OutputCollector()
    const before = this.rules
    const statesBefore = new Map<string, AlarmState>()
    for (const record of this.alarms.values()) statesBefore.set(record.id, this.stateOf(record))
    this.rules = new RuleIndex(rules)
    this.rulesSet = true
    this.refused.clear()
    for (const record of [...this.alarms.values()]) {
      const stateBefore = statesBefore.get(record.id)!
      const rule = this.rules.get(record.rule)
      if (rule === undefined || !rule.pattern.test(record.device)) {
        record.removed = true
        record.updatedAt = now
        this.forget(record)
        if (stateBefore !== 'normal') out.touch(record)
        continue
      }
      if (before.get(record.rule)?.fingerprint !== rule.fingerprint) {
        record.pending = null
        if (record.name !== rule.info.name || record.severity !== rule.info.severity) {
          record.name = rule.info.name
          record.severity = rule.info.severity
          record.updatedAt = now
          if (stateBefore !== 'normal') out.touch(record)
        }
      }
      this.serviceChanged(record, stateBefore, now, SYSTEM_ACTOR, out)
      this.dropIfNormal(record)
    }
    return this.finish(out)
  }

  /**
   * Brings back the alarms and maintenances stored before a restart; called at start, before
   * any report, and silent: no event, nothing announced. A delay that was running is not kept: it
   * starts over with the next report. A maintenance that ended while the console was down is
   * dropped, its alarms left as stored (acknowledged ones stay so: nothing is announced again
   * for a restart). Call after `setRules`: alarms of rules no longer in force, or whose rule no
   * longer covers their device, are then not restored (before it, they are, and the first
   * `setRules` removes them).
   */
  restore(
    alarms: readonly PersistedAlarm[],
    maintenance: readonly DeviceMaintenance[]
  ): RestoreResult {
    const now = this.options.now()
    const result: RestoreResult = { droppedAlarms: [], droppedMaintenance: [] }
    for (const entry of maintenance) {
      if (typeof entry?.device !== 'string') continue
      if (typeof entry.until !== 'number' || entry.until <= now)
        result.droppedMaintenance.push(entry.device)
      else this.devicesInMaintenance.set(entry.device, { ...entry })
    }
    for (const stored of alarms) {
      if (typeof stored?.id !== 'string') continue
      if (!this.restored(stored)) result.droppedAlarms.push(stored.id)
    }
    return result
  }

  /**
   * A device known and when it last reported, so `stale` rules can watch it; only kept while a
   * `stale` rule covers it. Call after `setRules`: at start, and after each change of the
   * rules (a new `stale` rule then watches the devices already silent too).
   */
  seeDevice(device: string, lastReportAt: number): void {
    if (typeof device !== 'string' || !Number.isFinite(lastReportAt)) return
    if (this.rules.staleFor(device).length === 0) return
    const known = this.lastReportAt.get(device)
    if (known === undefined || lastReportAt > known) this.lastReportAt.set(device, lastReportAt)
  }

  /**
   * A device the caller no longer knows (retention forgot it): what is kept of it leaves
   * memory. Its alarms leave (sent once as `normal`), and its maintenance ends (in `maintenance`,
   * with no event).
   */
  forgetDevice(device: string): EngineOutput {
    const now = this.options.now()
    const out = new OutputCollector()
    if (typeof device !== 'string') return this.finish(out)
    this.lastReportAt.delete(device)
    this.rules.forget(device)
    if (this.devicesInMaintenance.delete(device))
      out.maintained({ device, until: null, comment: null, by: SYSTEM_ACTOR.by })
    for (const record of this.recordsOf(device)) {
      const stateBefore = this.stateOf(record)
      record.removed = true
      record.updatedAt = now
      this.forget(record)
      if (stateBefore !== 'normal') out.touch(record)
    }
    return this.finish(out)
  }

  /**
   * Evaluates stored reports against the rules covering their devices, as they arrive: each is
   * news of its device (clearing `stale`, restarting its silence). Never throws on what a
   * device sent: a reading that cannot be evaluated is counted in `notEvaluated`.
   */
  evaluate(reports: readonly StoredReport[]): EngineOutput {
    return this.evaluateReports(reports, true)
  }

  /**
   * Evaluates reports already evaluated once — each device's latest stored report, at start or
   * after the rules changed — against the rules in force now. Not news of the device: `stale`
   * rules and when it last reported are left alone; its raises do not count toward chattering,
   * and what cannot be evaluated is not counted again.
   */
  reevaluate(reports: readonly StoredReport[]): EngineOutput {
    return this.evaluateReports(reports, false)
  }

  /**
   * What time alone changes: maintenances and shelving that end, devices gone stale, delays
   * that ran out, escalations due, the flood ending; and once per tick, the alarms whose
   * `currentValue` moved since the last one (a busy device must not flood the viewers).
   */
  tick(): EngineOutput {
    const now = this.options.now()
    const out = new OutputCollector()
    for (const entry of [...this.devicesInMaintenance.values()]) {
      if (entry.until !== null && entry.until <= now)
        this.endMaintenance(entry.device, SYSTEM_ACTOR, null, now, out)
    }
    this.chatter.prune(now)
    if (this.lastReportAt.size > 0) this.checkStale(now, out)
    for (const record of [...this.alarms.values()]) {
      if (record.shelvedUntil !== null && record.shelvedUntil <= now)
        this.endShelving(record, SYSTEM_ACTOR, now, out)
      if (record.pending !== null) this.checkDelay(record, now, out)
      if (!this.holds(record)) continue
      this.checkEscalation(record, now, out)
      if (record.valueMoved && this.stateOf(record) !== 'normal') out.touch(record)
    }
    if (this.floods.check(now)) {
      const flood = this.floods.state(now)
      out.events.push(floodEvent('flood-ended', now, { raisedInWindow: flood.raisedInWindow }))
      out.flood = flood
      this.floodShown = flood.raisedInWindow
    } else if (this.floods.state(now).active) this.showFlood(now, out)
    return this.finish(out)
  }

  /** active-unacked → active-acked, cleared-unacked → normal; nothing else needs one. */
  ack(id: string, request: ActionActor & { comment?: string }): EngineOutput {
    const now = this.options.now()
    const record = this.found(id)
    const state = this.stateOf(record)
    if (state !== 'active-unacked' && state !== 'cleared-unacked')
      throw new OperationError('conflict', `alarm ${id} is ${state}: nothing to acknowledge`)
    const comment = commentOf(request.comment)
    if (this.rules.get(record.rule)?.info.commentRequired === true && comment === null)
      throw new OperationError('bad_request', 'comment: required by this rule')
    const out = new OutputCollector()
    record.acked = true
    record.ackedBy = request.by
    record.ackedAt = now
    record.comment = comment
    record.updatedAt = now
    out.events.push(this.alarmEvent('acked', record, now, request, comment, null))
    out.touch(record)
    this.dropIfNormal(record)
    return this.finish(out)
  }

  /** Sets the alarm aside for `minutes` (again: from now); not while it is out of service. */
  shelve(id: string, request: ActionActor & { minutes: number; comment?: string }): EngineOutput {
    const now = this.options.now()
    const record = this.found(id)
    const { minutes } = request
    const maxMinutes = this.options.maxShelveMs / 60_000
    if (
      typeof minutes !== 'number' ||
      !Number.isFinite(minutes) ||
      minutes <= 0 ||
      minutes * 60_000 > this.options.maxShelveMs
    )
      throw new OperationError('bad_request', `minutes: more than 0 and at most ${maxMinutes}`)
    const state = this.stateOf(record)
    if (state === 'out-of-service')
      throw new OperationError('conflict', `alarm ${id} is out-of-service: it cannot be shelved`)
    const out = new OutputCollector()
    const comment = commentOf(request.comment)
    record.shelvedUntil = now + minutes * 60_000
    record.chattering = false
    record.comment = comment
    record.updatedAt = now
    out.events.push(this.alarmEvent('shelved', record, now, request, comment, { minutes }))
    out.touch(record)
    return this.finish(out)
  }

  unshelve(id: string, actor: ActionActor): EngineOutput {
    const now = this.options.now()
    const record = this.found(id)
    if (record.shelvedUntil === null)
      throw new OperationError('conflict', `alarm ${id} is ${this.stateOf(record)}: not shelved`)
    const out = new OutputCollector()
    this.endShelving(record, actor, now, out)
    return this.finish(out)
  }

  /** Stops the tone of an unacknowledged alarm; it stays unacknowledged. */
  silence(id: string, actor: ActionActor): EngineOutput {
    const now = this.options.now()
    const record = this.found(id)
    const state = this.stateOf(record)
    if (state !== 'active-unacked' && state !== 'cleared-unacked')
      throw new OperationError('conflict', `alarm ${id} is ${state}: nothing to silence`)
    if (record.silenced) throw new OperationError('conflict', `alarm ${id} is already silenced`)
    const out = new OutputCollector()
    record.silenced = true
    record.updatedAt = now
    out.events.push(this.alarmEvent('silenced', record, now, actor, null, null))
    out.touch(record)
    return this.finish(out)
  }

  /**
   * Puts a device in maintenance for `minutes` (again: from now), its alarms out of service
   * (those made during it too); 0 ends it now.
   */
  setMaintenance(
    device: string,
    request: ActionActor & { minutes: number; comment?: string }
  ): { output: EngineOutput; maintenance: DeviceMaintenance } {
    const now = this.options.now()
    if (typeof device !== 'string' || device === '')
      throw new OperationError('bad_request', 'device: required')
    const { minutes } = request
    if (
      typeof minutes !== 'number' ||
      !Number.isFinite(minutes) ||
      minutes < 0 ||
      minutes > MAX_MAINTENANCE_MINUTES
    )
      throw new OperationError(
        'bad_request',
        `minutes: from 0 (ends the maintenance) to ${MAX_MAINTENANCE_MINUTES}`
      )
    const comment = commentOf(request.comment)
    const out = new OutputCollector()
    if (minutes === 0) {
      if (this.devicesInMaintenance.has(device))
        this.endMaintenance(device, request, comment, now, out)
      return {
        output: this.finish(out),
        maintenance: { device, until: null, comment, by: request.by }
      }
    }
    const records = this.recordsOf(device)
    const statesBefore = records.map((record) => this.stateOf(record))
    const maintenance: DeviceMaintenance = {
      device,
      until: now + minutes * 60_000,
      comment,
      by: request.by
    }
    this.devicesInMaintenance.set(device, maintenance)
    out.maintained(maintenance)
    out.events.push(deviceEvent(now, device, request, comment, { minutes }))
    records.forEach((record, i) => {
      if (statesBefore[i] === 'normal') return
      record.updatedAt = now
      out.touch(record)
      this.serviceChanged(record, statesBefore[i]!, now, request, out)
    })
    return { output: this.finish(out), maintenance: { ...maintenance } }
  }

  /** Every alarm not normal, as copies. */
  list(): Alarm[] {
    const alarms: Alarm[] = []
    for (const record of this.alarms.values()) {
      const state = this.stateOf(record)
      if (state !== 'normal') alarms.push(this.copy(record, state))
    }
    return alarms
  }

  get(id: string): Alarm | undefined {
    const record = this.listed(id)
    return record === undefined ? undefined : this.copy(record)
  }

  /** What the store keeps of the alarm; undefined once it is normal (the store removes it). */
  persisted(id: string): PersistedAlarm | undefined {
    const record = this.listed(id)
    if (record === undefined) return undefined
    return toPersisted(record, this.stateOf(record), this.maintenanceUntil(record.device))
  }

  /** The devices in maintenance now. */
  maintenance(): DeviceMaintenance[] {
    return [...this.devicesInMaintenance.values()].map((entry) => ({ ...entry }))
  }

  flood(): AlarmFlood {
    return this.floods.state(this.options.now())
  }

  counters(): EngineCounters {
    return {
      notEvaluated: this.notEvaluated,
      held: this.alarms.size,
      refusedForLimit: this.refusedForLimit,
      evictedForLimit: this.evictedForLimit,
      atLimit: this.alarms.size >= this.options.maxAlarms,
      rules: this.rules.size,
      watchedDevices: this.lastReportAt.size
    }
  }

  private evaluateReports(reports: readonly StoredReport[], live: boolean): EngineOutput {
    const now = this.options.now()
    const out = new OutputCollector()
    for (const report of reports) {
      if (typeof report !== 'object' || report === null || typeof report.device !== 'string') {
        if (live) this.notEvaluated += 1
        continue
      }
      const device = report.device
      if (live && this.rules.staleFor(device).length > 0) this.lastReportAt.set(device, now)
      for (const rule of this.rules.forDevice(device)) {
        if (rule.kind === null || (rule.kind === 'stale' && !live)) continue
        const value = rule.kind === 'stale' ? null : fieldValue(report, rule.info.field)
        const decision = conditionDecision(rule.info, value, rule.kind)
        if (decision === 'skip') {
          if (live) this.notEvaluated += 1
        } else this.decide(rule, device, decision, boundedValue(value), now, out, live)
      }
    }
    return this.finish(out)
  }

  /** Takes back one stored alarm; false when it is not held. */
  private restored(stored: PersistedAlarm): boolean {
    if (typeof stored.rule !== 'string' || typeof stored.device !== 'string') return false
    if (this.rulesSet) {
      const rule = this.rules.get(stored.rule)
      if (rule === undefined || !rule.pattern.test(stored.device)) return false
    }
    const record = recordFromPersisted(stored)
    const state = this.stateOf(record)
    if (state === 'normal') return false
    if (this.alarms.size >= this.options.maxAlarms) {
      this.refuse(record.rule, record.device)
      return false
    }
    // Raised in a maintenance that ended while the console was down: shown from now on, so
    // its escalation is timed from now.
    if (record.announcedAt === null && (state === 'active-unacked' || state === 'cleared-unacked'))
      record.announcedAt = this.options.now()
    this.remember(record)
    return true
  }

  /**
   * One reading of one rule on one device: raise, clear, or keep, after the delays. A disabled
   * rule follows the alarms it holds and makes none. `live`: a report as it arrives, or the
   * clock (not a re-evaluation).
   */
  private decide(
    rule: IndexedRule,
    device: string,
    decision: Exclude<ConditionDecision, 'skip'>,
    value: unknown,
    now: number,
    out: OutputCollector,
    live: boolean
  ): void {
    let record = this.byPair.get(rule.info.id, device)
    if (record !== undefined && !Object.is(record.currentValue, value)) {
      record.currentValue = value
      record.valueMoved = true
    }
    if (decision === 'hold') {
      // Inside the deadband neither condition holds: a delay running starts over.
      if (record !== undefined) this.resetDelay(record)
      return
    }
    if (decision === 'raise') {
      if (record?.active) {
        record.pending = null
        return
      }
      const delayMs = secondsToMs(rule.info.onDelay)
      if (delayMs > 0 && record?.pending?.kind === 'raise') {
        if (now - record.pending.since >= delayMs) this.raise(record, rule, now, out, live)
        return
      }
      if (record === undefined) {
        if (!rule.enabled) return
        // Only one that raises now may take the place of one whose on-delay is running.
        record = this.create(rule, device, value, now, delayMs === 0)
        if (record === undefined) return
      }
      if (delayMs > 0) {
        record.pending = { kind: 'raise', since: now }
        if (this.stateOf(record) === 'normal') this.onDelayOnly.add(record)
      } else this.raise(record, rule, now, out, live)
      return
    }
    if (record === undefined) {
      // Refused while it held; gone now: refused again, it is counted again.
      if (this.refused.size > 0) this.refused.delete(pairKey(rule.info.id, device))
      return
    }
    if (!record.active) {
      this.resetDelay(record)
      return
    }
    const delayMs = secondsToMs(rule.info.offDelay)
    if (delayMs > 0 && record.pending?.kind !== 'clear')
      record.pending = { kind: 'clear', since: now }
    else if (delayMs === 0 || now - record.pending!.since >= delayMs) this.clear(record, now, out)
  }

  private raise(
    record: AlarmRecord,
    rule: IndexedRule,
    now: number,
    out: OutputCollector,
    live: boolean
  ): void {
    record.pending = null
    this.onDelayOnly.delete(record)
    record.active = true
    record.acked = false
    record.ackedBy = null
    record.ackedAt = null
    // Shelved for chattering, the comment says why.
    if (!record.chattering) record.comment = null
    record.raisedAt = now
    record.clearedAt = null
    record.value = record.currentValue
    record.silenced = false
    record.firstOut = false
    record.escalated = false
    record.announcedAt = null
    record.notified = null
    record.name = rule.info.name
    record.severity = rule.info.severity
    record.updatedAt = now
    const raises = live ? this.chatter.record(record.id, now) : null
    if (record.chattering) {
      this.followQuietly(record)
      return
    }
    if (raises !== null) this.shelveForChattering(record, raises, now)
    out.events.push(this.alarmEvent('raised', record, now, SYSTEM_ACTOR, null, record.value))
    if (raises !== null)
      out.events.push(
        this.alarmEvent('shelved', record, now, SYSTEM_ACTOR, record.comment, {
          minutes: CHATTERING.shelveMs / 60_000
        })
      )
    out.touch(record)
    // Shelved or out of service, it is not annunciated: nobody is told, and no flood counts it.
    if (this.stateOf(record) !== 'active-unacked') return
    record.announcedAt = now
    this.announce(record, 'raised', rule.info.notify, out)
    this.countRaise(record, now, out)
  }

  /**
   * ISA-18.2's chattering alarm: shelved by the console, so it pages nobody and its raises and
   * clearings are followed quietly (no audit events; the viewers and the store get the alarm
   * at most once a tick) until the shelving ends.
   */
  private shelveForChattering(record: AlarmRecord, raises: number, now: number): void {
    record.shelvedUntil = Math.max(record.shelvedUntil ?? now, now + CHATTERING.shelveMs)
    record.chattering = true
    record.comment = `chattering: ${raises} raises in ${CHATTERING.windowMs / 1000} s`
  }

  /** A transition of an alarm shelved for chattering: sent with the next tick, recorded not. */
  private followQuietly(record: AlarmRecord): void {
    record.valueMoved = true
  }

  private clear(record: AlarmRecord, now: number, out: OutputCollector): void {
    record.pending = null
    record.active = false
    record.clearedAt = now
    record.updatedAt = now
    if (record.chattering) {
      this.followQuietly(record)
      return
    }
    out.events.push(
      this.alarmEvent('cleared', record, now, SYSTEM_ACTOR, null, record.currentValue)
    )
    out.touch(record)
    if (record.notified !== null && hasTargets(record.notified))
      out.notifications.push({
        kind: 'cleared',
        alarm: this.copy(record),
        targets: copyTargets(record.notified)
      })
    this.dropIfNormal(record)
  }

  /** Tells `targets` of the alarm, and remembers them among those to tell when it clears. */
  private announce(
    record: AlarmRecord,
    kind: AlarmNotification['kind'],
    targets: unknown,
    out: OutputCollector
  ): void {
    if (!hasTargets(targets)) return
    record.notified = mergeTargets(record.notified, targets)
    out.notifications.push({ kind, alarm: this.copy(record), targets: copyTargets(targets) })
  }

  private countRaise(record: AlarmRecord, now: number, out: OutputCollector): void {
    if (!this.floods.record(record.id, now)) {
      // In a flood, its count is news: the banner says how many.
      if (this.floods.state(now).active) this.showFlood(now, out)
      return
    }
    const flood = this.floods.state(now)
    const first = flood.firstOut === null ? undefined : this.alarms.get(flood.firstOut)
    if (first !== undefined) {
      first.firstOut = true
      first.updatedAt = now
      out.touch(first)
    }
    out.events.push(
      floodEvent('flood-started', now, {
        raisedInWindow: flood.raisedInWindow,
        firstOut: flood.firstOut
      })
    )
    out.flood = flood
    this.floodShown = flood.raisedInWindow
  }

  /** The flood as it is now, for viewers, when its count moved since they were last told. */
  private showFlood(now: number, out: OutputCollector): void {
    const flood = this.floods.state(now)
    if (flood.raisedInWindow === this.floodShown) return
    this.floodShown = flood.raisedInWindow
    out.flood = flood
  }

  /** Only the `stale` rules covering each device are walked; a device none covers leaves. */
  private checkStale(now: number, out: OutputCollector): void {
    for (const [device, last] of this.lastReportAt) {
      const rules = this.rules.staleFor(device)
      if (rules.length === 0) this.lastReportAt.delete(device)
      for (const rule of rules) {
        if (now - last > secondsToMs(rule.info.stale))
          this.decide(rule, device, 'raise', null, now, out, true)
      }
    }
  }

  private checkDelay(record: AlarmRecord, now: number, out: OutputCollector): void {
    const pending = record.pending!
    const rule = this.rules.get(record.rule)
    if (rule === undefined) {
      this.resetDelay(record)
      return
    }
    const delayMs = secondsToMs(pending.kind === 'raise' ? rule.info.onDelay : rule.info.offDelay)
    if (now - pending.since < delayMs) return
    if (pending.kind === 'raise') this.raise(record, rule, now, out, true)
    else this.clear(record, now, out)
  }

  /** Timed from the alarm's last annunciation: each one may escalate once. */
  private checkEscalation(record: AlarmRecord, now: number, out: OutputCollector): void {
    if (record.escalated || record.announcedAt === null) return
    const escalate = this.rules.get(record.rule)?.info.escalate
    if (escalate === undefined || !hasTargets(escalate.notify)) return
    const afterMs = secondsToMs(escalate.afterSeconds)
    if (now - record.announcedAt < afterMs) return
    const state = this.stateOf(record)
    if (state !== 'active-unacked' && state !== 'cleared-unacked') return
    record.escalated = true
    record.updatedAt = now
    this.announce(record, 'escalated', escalate.notify, out)
    out.events.push(
      this.alarmEvent('escalated', record, now, SYSTEM_ACTOR, null, copyTargets(escalate.notify))
    )
    out.touch(record)
  }

  private endShelving(
    record: AlarmRecord,
    actor: ActionActor,
    now: number,
    out: OutputCollector
  ): void {
    record.shelvedUntil = null
    record.chattering = false
    this.returnToService(record, now, out)
    out.events.push(this.alarmEvent('unshelved', record, now, actor, null, null))
    out.touch(record)
    this.dropIfNormal(record)
  }

  private endMaintenance(
    device: string,
    actor: ActionActor,
    comment: string | null,
    now: number,
    out: OutputCollector
  ): void {
    const records = this.recordsOf(device)
    const statesBefore = records.map((record) => this.stateOf(record))
    const ended = this.devicesInMaintenance.get(device)!
    this.devicesInMaintenance.delete(device)
    out.maintained({ ...ended, until: null, comment, by: actor.by })
    out.events.push(deviceEvent(now, device, actor, comment, { minutes: 0 }))
    records.forEach((record, i) => {
      if (statesBefore[i] === 'normal') return
      record.updatedAt = now
      out.touch(record)
      this.serviceChanged(record, statesBefore[i]!, now, actor, out)
      this.dropIfNormal(record)
    })
  }

  /** Records the alarm going out of service or coming back, after its rule or device did. */
  private serviceChanged(
    record: AlarmRecord,
    stateBefore: AlarmState,
    now: number,
    actor: ActionActor,
    out: OutputCollector
  ): void {
    const wasOut = stateBefore === 'out-of-service'
    const isOut = this.stateOf(record) === 'out-of-service'
    if (wasOut === isOut || stateBefore === 'normal') return
    if (!isOut) this.returnToService(record, now, out)
    record.updatedAt = now
    out.events.push(
      this.alarmEvent(isOut ? 'out-of-service' : 'in-service', record, now, actor, null, null)
    )
    out.touch(record)
  }

  /**
   * Back from shelving or out of service, nothing that happened meanwhile was annunciated: an
   * alarm whose condition still holds is unacknowledged again and announced again (its
   * escalation timed from now); one whose condition is gone owes nothing any more.
   */
  private returnToService(record: AlarmRecord, now: number, out: OutputCollector): void {
    record.updatedAt = now
    const state = this.stateOf(record)
    if (state === 'normal' || state === 'shelved' || state === 'out-of-service') return
    if (!record.active) {
      record.acked = true
      return
    }
    record.acked = false
    record.ackedBy = null
    record.ackedAt = null
    record.silenced = false
    record.escalated = false
    record.announcedAt = now
    this.announce(record, 'raised', this.rules.get(record.rule)?.info.notify, out)
  }

  private resetDelay(record: AlarmRecord): void {
    record.pending = null
    this.onDelayOnly.delete(record)
    this.dropIfNormal(record)
  }

  /** A normal alarm with no delay running is implied: it leaves memory. */
  private dropIfNormal(record: AlarmRecord): void {
    if (record.pending === null && this.stateOf(record) === 'normal') this.forget(record)
  }

  /** A new alarm, unless `maxAlarms` are held (and, with `mayEvict`, none can give way). */
  private create(
    rule: IndexedRule,
    device: string,
    value: unknown,
    now: number,
    mayEvict: boolean
  ): AlarmRecord | undefined {
    if (this.alarms.size >= this.options.maxAlarms && !(mayEvict && this.evictOnDelayOnly())) {
      this.refuse(rule.info.id, device)
      return undefined
    }
    if (this.refused.size > 0) this.refused.delete(pairKey(rule.info.id, device))
    const record = newRecord(
      {
        id: alarmId(rule.info.id, device),
        rule: rule.info.id,
        device,
        name: rule.info.name,
        severity: rule.info.severity,
        currentValue: value
      },
      now
    )
    this.remember(record)
    return record
  }

  /** Lets go of the oldest alarm held only for its on-delay (never shown); false if none. */
  private evictOnDelayOnly(): boolean {
    for (const record of this.onDelayOnly) {
      this.onDelayOnly.delete(record)
      if (!this.holds(record) || record.pending?.kind !== 'raise') continue
      if (this.stateOf(record) !== 'normal') continue
      record.pending = null
      this.forget(record)
      this.evictedForLimit += 1
      return true
    }
    return false
  }

  private refuse(rule: string, device: string): void {
    const key = pairKey(rule, device)
    if (this.refused.has(key)) return
    // Only a guard: past it, refusals may be counted twice.
    if (this.refused.size >= MAX_REFUSED_REMEMBERED) this.refused.clear()
    this.refused.add(key)
    this.refusedForLimit += 1
  }

  private remember(record: AlarmRecord): void {
    this.alarms.set(record.id, record)
    this.byPair.set(record.rule, record.device, record)
  }

  private holds(record: AlarmRecord): boolean {
    return this.alarms.get(record.id) === record
  }

  private forget(record: AlarmRecord): void {
    if (!this.holds(record)) return
    this.onDelayOnly.delete(record)
    this.alarms.delete(record.id)
    this.byPair.delete(record.rule, record.device)
  }

  private recordsOf(device: string): AlarmRecord[] {
    return [...this.alarms.values()].filter((record) => record.device === device)
  }

  /** The alarm of `id` unless it is normal; not_found for the caller otherwise. */
  private found(id: string): AlarmRecord {
    const record = this.listed(id)
    if (record === undefined)
      throw new OperationError('not_found', `no alarm ${id} (or it is normal)`)
    return record
  }

  private listed(id: string): AlarmRecord | undefined {
    const record = this.alarms.get(id)
    return record !== undefined && this.stateOf(record) !== 'normal' ? record : undefined
  }

  private stateOf(record: AlarmRecord): AlarmState {
    if (record.removed) return 'normal'
    const rule = this.rules.get(record.rule)
    return deriveAlarmState({
      outOfService:
        (rule !== undefined && !rule.enabled) || this.devicesInMaintenance.has(record.device),
      shelved: record.shelvedUntil !== null,
      active: record.active,
      acked: record.acked,
      raisedAt: record.raisedAt
    })
  }

  private maintenanceUntil(device: string): number | null {
    return this.devicesInMaintenance.get(device)?.until ?? null
  }

  private copy(record: AlarmRecord, state = this.stateOf(record)): Alarm {
    return toAlarm(record, state, this.maintenanceUntil(record.device))
  }

  private finish(out: OutputCollector): EngineOutput {
    return out.finish((record) => this.copy(record))
  }

  private alarmEvent(
    type: AlarmEventType,
    record: AlarmRecord,
    now: number,
    actor: ActionActor,
    comment: string | null,
    detail: unknown
  ): AlarmEvent {
    return {
      time: now,
      type,
      alarm: record.id,
      rule: record.rule,
      device: record.device,
      severity: record.severity,
      state: this.stateOf(record),
      by: actor.by,
      via: actor.via,
      comment,
      detail
    }
  }
}

function floodEvent(
  type: 'flood-started' | 'flood-ended',
  now: number,
  detail: unknown
): AlarmEvent {
  return {
    time: now,
    type,
    alarm: null,
    rule: null,
    device: null,
    severity: null,
    state: null,
    by: SYSTEM_ACTOR.by,
    via: SYSTEM_ACTOR.via,
    comment: null,
    detail
  }
}

function deviceEvent(
  now: number,
  device: string,
  actor: ActionActor,
  comment: string | null,
  detail: { minutes: number }
): AlarmEvent {
  return {
    time: now,
    type: 'maintenance',
    alarm: null,
    rule: null,
    device,
    severity: null,
    state: null,
    by: actor.by,
    via: actor.via,
    comment,
    detail
  }
}

/** A comment as given, trimmed; null when there is none worth keeping. */
function commentOf(comment: unknown): string | null {
  if (typeof comment !== 'string') return null
  const trimmed = comment.trim()
  return trimmed === '' ? null : trimmed
}

function secondsToMs(seconds: unknown): number {
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0
}

function pairKey(rule: string, device: string): string {
  return rule + '\0' + device
}

/** Values by rule id, then device id; a rule's map goes once it holds none. */
class PairMap<V> {
  private readonly byRule = new Map<string, Map<string, V>>()

  get(rule: string, device: string): V | undefined {
    return this.byRule.get(rule)?.get(device)
  }

  set(rule: string, device: string, value: V): void {
    let devices = this.byRule.get(rule)
    if (devices === undefined) this.byRule.set(rule, (devices = new Map()))
    devices.set(device, value)
  }

  delete(rule: string, device: string): void {
    const devices = this.byRule.get(rule)
    if (devices === undefined) return
    devices.delete(device)
    if (devices.size === 0) this.byRule.delete(rule)
  }
}
