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

export interface AlarmEngineOptions {
  now: () => number
  /** Alarms held at once (not normal, or a delay running); beyond, new ones are refused. */
  maxAlarms: number
  /** The longest an alarm may be shelved. */
  maxShelveMs: number
  flood: { threshold: number; windowMs: number }
}

/** A device's maintenance may last a week at most: one forgotten must still come to an end. */
export const MAX_MAINTENANCE_MINUTES = 7 * 24 * 60

/**
 * The alarms of the rules in force, as ISA-18.2 has them: reports in, transitions out. Pure and
 * synchronous: no I/O and no timers; the clock is injected and time passes only when the caller
 * calls `tick()` (delays, staleness, shelving and maintenance ending, escalation, flood end).
 * Every call returns what changed, for the caller to store, show, log and send.
 *
 * Only alarms that are not normal, or have a delay running, are held; a normal one is implied
 * (and is made again, from its rule and device, when it raises).
 */
export class AlarmEngine {
  private rules = new RuleIndex([])
  private rulesSet = false
  private readonly alarms = new Map<string, AlarmRecord>()
  /** The same records by rule and device, so a report finds its alarm without hashing. */
  private readonly byPair = new Map<string, AlarmRecord>()
  private readonly lastReportAt = new Map<string, number>()
  private readonly devicesInMaintenance = new Map<string, DeviceMaintenance>()
  private readonly floods: FloodDetector
  private notEvaluated = 0
  private refusedForLimit = 0

  constructor(private readonly options: AlarmEngineOptions) {
    this.floods = new FloodDetector(options.flood.threshold, options.flood.windowMs)
  }

  /**
   * Replaces the rules in force. A deleted rule's alarms leave (sent once as `normal`), as do
   * those of a device its changed pattern no longer covers; a disabled rule's alarms go out of
   * service, and come back (announced again if still active) when it is enabled; a changed
   * rule keeps its alarms, re-evaluated from the next report (a delay running starts over).
   */
  setRules(rules: readonly AlarmRuleInfo[]): EngineOutput {
    const now = this.options.now()
    const out = new OutputCollector()
    const before = this.rules
    const statesBefore = new Map<string, AlarmState>()
    for (const record of this.alarms.values()) statesBefore.set(record.id, this.stateOf(record))
    this.rules = new RuleIndex(rules)
    this.rulesSet = true
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
      // A disabled rule is not evaluated: no delay of it can run out.
      if (!rule.enabled) record.pending = null
      this.serviceChanged(record, stateBefore, now, SYSTEM_ACTOR, out)
      this.dropIfNormal(record)
    }
    return this.finish(out)
  }

  /**
   * Brings back the alarms and maintenances stored before a restart; called at start, before
   * any report. A delay that was running is not kept: it starts over with the next report.
   * Call after `setRules`: alarms of rules no longer in force are then not restored (before
   * it, they are, and the first `setRules` removes them).
   */
  restore(alarms: readonly PersistedAlarm[], maintenance: readonly DeviceMaintenance[]): void {
    for (const entry of maintenance) {
      if (typeof entry?.device !== 'string' || typeof entry.until !== 'number') continue
      this.devicesInMaintenance.set(entry.device, { ...entry })
    }
    for (const stored of alarms) {
      if (typeof stored?.id !== 'string' || typeof stored.rule !== 'string') continue
      if (typeof stored.device !== 'string') continue
      if (this.rulesSet && this.rules.get(stored.rule) === undefined) continue
      const record = recordFromPersisted(stored)
      if (this.stateOf(record) === 'normal') continue
      if (this.alarms.size >= this.options.maxAlarms) {
        this.refusedForLimit += 1
        continue
      }
      this.remember(record)
    }
  }

  /** A device known at start and when it last reported, so `stale` rules can watch it. */
  seeDevice(device: string, lastReportAt: number): void {
    if (typeof device !== 'string' || !Number.isFinite(lastReportAt)) return
    const known = this.lastReportAt.get(device)
    if (known === undefined || lastReportAt > known) this.lastReportAt.set(device, lastReportAt)
  }

  /**
   * Evaluates stored reports against the rules covering their devices. Never throws on what a
   * device sent: a reading that cannot be evaluated is counted in `notEvaluated`.
   */
  evaluate(reports: readonly StoredReport[]): EngineOutput {
    const now = this.options.now()
    const out = new OutputCollector()
    for (const report of reports) {
      if (typeof report !== 'object' || report === null || typeof report.device !== 'string') {
        this.notEvaluated += 1
        continue
      }
      const device = report.device
      this.lastReportAt.set(device, now)
      for (const rule of this.rules.forDevice(device)) {
        if (!rule.enabled || rule.kind === null) continue
        const value = rule.kind === 'stale' ? null : fieldValue(report, rule.info.field)
        const decision = conditionDecision(rule.info, value)
        if (decision === 'skip') this.notEvaluated += 1
        else this.decide(rule, device, decision, value, now, out)
      }
    }
    return this.finish(out)
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
    if (this.rules.stale.length > 0) this.checkStale(now, out)
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
    }
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

  counters(): { notEvaluated: number; held: number; refusedForLimit: number; rules: number } {
    return {
      notEvaluated: this.notEvaluated,
      held: this.alarms.size,
      refusedForLimit: this.refusedForLimit,
      rules: this.rules.size
    }
  }

  /** One reading of one rule on one device: raise, clear, or keep, after the delays. */
  private decide(
    rule: IndexedRule,
    device: string,
    decision: Exclude<ConditionDecision, 'skip'>,
    value: unknown,
    now: number,
    out: OutputCollector
  ): void {
    let record = this.byPair.get(pairKey(rule.info.id, device))
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
        if (now - record.pending.since >= delayMs) this.raise(record, rule, now, out)
        return
      }
      record ??= this.create(rule, device, value, now)
      if (record === undefined) return
      if (delayMs > 0) record.pending = { kind: 'raise', since: now }
      else this.raise(record, rule, now, out)
      return
    }
    if (record === undefined) return
    if (!record.active) {
      this.resetDelay(record)
      return
    }
    const delayMs = secondsToMs(rule.info.offDelay)
    if (delayMs > 0 && record.pending?.kind !== 'clear')
      record.pending = { kind: 'clear', since: now }
    else if (delayMs === 0 || now - record.pending!.since >= delayMs) this.clear(record, now, out)
  }

  private raise(record: AlarmRecord, rule: IndexedRule, now: number, out: OutputCollector): void {
    record.pending = null
    record.active = true
    record.acked = false
    record.ackedBy = null
    record.ackedAt = null
    record.comment = null
    record.raisedAt = now
    record.clearedAt = null
    record.value = record.currentValue
    record.silenced = false
    record.firstOut = false
    record.escalated = false
    record.notified = null
    record.name = rule.info.name
    record.severity = rule.info.severity
    record.updatedAt = now
    out.events.push(this.alarmEvent('raised', record, now, SYSTEM_ACTOR, null, record.value))
    out.touch(record)
    // Shelved or out of service, it is not annunciated: nobody is told, and no flood counts it.
    if (this.stateOf(record) !== 'active-unacked') return
    this.announce(record, 'raised', rule.info.notify, out)
    this.countRaise(record, now, out)
  }

  private clear(record: AlarmRecord, now: number, out: OutputCollector): void {
    record.pending = null
    record.active = false
    record.clearedAt = now
    record.updatedAt = now
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
    if (!this.floods.record(record.id, now)) return
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
  }

  private checkStale(now: number, out: OutputCollector): void {
    for (const [device, last] of this.lastReportAt) {
      for (const rule of this.rules.forDevice(device)) {
        if (rule.kind !== 'stale' || !rule.enabled) continue
        const staleMs = secondsToMs(rule.info.stale)
        if (now - last > staleMs) this.decide(rule, device, 'raise', null, now, out)
      }
    }
  }

  private checkDelay(record: AlarmRecord, now: number, out: OutputCollector): void {
    const pending = record.pending!
    const rule = this.rules.get(record.rule)
    if (rule === undefined || !rule.enabled) {
      this.resetDelay(record)
      return
    }
    const delayMs = secondsToMs(pending.kind === 'raise' ? rule.info.onDelay : rule.info.offDelay)
    if (now - pending.since < delayMs) return
    if (pending.kind === 'raise') this.raise(record, rule, now, out)
    else this.clear(record, now, out)
  }

  private checkEscalation(record: AlarmRecord, now: number, out: OutputCollector): void {
    if (record.escalated || record.raisedAt === null) return
    const escalate = this.rules.get(record.rule)?.info.escalate
    if (escalate === undefined || !hasTargets(escalate.notify)) return
    const afterMs = secondsToMs(escalate.afterSeconds)
    if (now - record.raisedAt < afterMs) return
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
    this.devicesInMaintenance.delete(device)
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
   * alarm whose condition still holds is unacknowledged again and announced again; one whose
   * condition is gone owes nothing any more.
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
    this.announce(record, 'raised', this.rules.get(record.rule)?.info.notify, out)
  }

  private resetDelay(record: AlarmRecord): void {
    record.pending = null
    this.dropIfNormal(record)
  }

  /** A normal alarm with no delay running is implied: it leaves memory. */
  private dropIfNormal(record: AlarmRecord): void {
    if (record.pending === null && this.stateOf(record) === 'normal') this.forget(record)
  }

  private create(
    rule: IndexedRule,
    device: string,
    value: unknown,
    now: number
  ): AlarmRecord | undefined {
    if (this.alarms.size >= this.options.maxAlarms) {
      this.refusedForLimit += 1
      return undefined
    }
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

  private remember(record: AlarmRecord): void {
    this.alarms.set(record.id, record)
    this.byPair.set(pairKey(record.rule, record.device), record)
  }

  private holds(record: AlarmRecord): boolean {
    return this.alarms.get(record.id) === record
  }

  private forget(record: AlarmRecord): void {
    if (!this.holds(record)) return
    this.alarms.delete(record.id)
    this.byPair.delete(pairKey(record.rule, record.device))
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
