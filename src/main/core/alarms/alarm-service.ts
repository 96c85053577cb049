import { EventEmitter } from 'node:events'

import type {
  Alarm,
  AlarmActionVia,
  AlarmEvent,
  AlarmEventQuery,
  AlarmFlood,
  AlarmQuery,
  AlarmRule,
  AlarmRuleInfo,
  AlarmRulePreview,
  AlarmStats,
  DeviceMaintenance
} from '../../../shared/alarm-types'
import type { DeviceState, DiagnosticsBody, MessageAccepted } from '../../../shared/api-types'
import type { StoredReport } from '../../../shared/ingest-protocol'
import { deviceIdPattern } from '../ingest/protocol/device-id-pattern'
import { OperationError } from '../operations/operation-error'
import type { PersistenceBackend } from '../persistence/persistence-backend'
import { RateLimitedLog } from '../runtime/log-rate-limit'
import type { Logger } from '../runtime/logger'
import { ReadSlots } from '../runtime/read-slots'
import { AlarmAuditLog } from './alarm-audit-log'
import { conditionHolds } from './alarm-condition'
import { AlarmEngine, type ActionActor, type EngineOutput } from './alarm-engine'
import { alarmEventsCsv } from './alarm-events-csv'
import { alarmEventsNdjson } from './alarm-events-ndjson'
import { AlarmNotifier } from './alarm-notifier'
import { alarmsAckedBy, type AckedRaise } from './alarm-receipts'
import { AlarmRulesFile } from './alarm-rules-file'
import { AlarmStateStore } from './alarm-state-store'
import { AlarmStatsTracker } from './alarm-stats'
import { AuditScans } from './audit-scans'
import { ConsoleAlarmRules } from './console-alarm-rules'
import { RuleChanges } from './rule-changes'
import { forEachLatestReport } from './latest-reports'
import { RuleReevaluation } from './rule-reevaluation'

/** Reads of the audit trail at once (`GET /api/alarm-events`, JSON or CSV). */
const AUDIT_SCANS_AT_ONCE = 2

/** The answer of an action whose change is in force but not on disk. */
const NOT_RECORDED =
  'it is in force, but could not be written to the data dir (see the console log): it may not ' +
  'survive a restart, and the audit trail may lack it'

export interface AlarmServiceOptions {
  persistence: Pick<PersistenceBackend, 'collection' | 'dayLog'>
  /** `--alarm-rules`: a JSON or YAML file of rules, re-read on change. */
  rulesFile?: string
  /** The devices known now, for `stale` rules, previews and re-evaluation. */
  devices: { list(): readonly DeviceState[] }
  /** A device's newest report, for previews and re-evaluation. */
  reports: { query(query: { device: string; limit: number }): Promise<StoredReport[]> }
  messages: { send(to: string | undefined, data: unknown): Promise<MessageAccepted> }
  /** Every registered push client's uid (`notify: "all"`). */
  clientUids: () => string[]
  retentionDays: number
  /** `--max-alarm-rules`: the console's and the file's together. */
  maxRules: number
  /** `--max-devices`: the most devices one re-evaluation reads the latest report of. */
  maxDevices: number
  /**
   * Whether `/push` asks for `--push-key`. Without one any client on the network can register
   * as a phone's uid and acknowledge its alarms: said once, when rules notify phones.
   */
  pushKeyRequired: boolean
  maxAlarms: number
  maxShelveMs: number
  flood: { threshold: number; windowMs: number }
  logger: Logger
  now: () => number
  /** How often delays, staleness, shelving and escalation are checked (1 s). */
  tickMs?: number
}

/** An operator's or a phone's action, as the audit trail records who and how. */
export interface AlarmActor {
  by: string
  via: AlarmActionVia
}

interface ServiceEvents {
  /** Alarms that changed; one that became normal is in it once more. */
  changed: [Alarm[]]
  flood: [AlarmFlood]
}

/**
 * Alarm management, composed: rules (the console's and the file's), the engine that turns
 * stored reports and time into transitions, the state kept across restarts, the audit trail,
 * the phones' notifications and the KPIs. Fed by the report store's `stored` batches; asked by
 * the operations; watched by the live hub (`alarms`, `alarmFlood`).
 */
export class AlarmService extends EventEmitter<ServiceEvents> {
  private readonly engine: AlarmEngine
  private readonly notifier: AlarmNotifier
  private readonly stats: AlarmStatsTracker
  private readonly saved = new Map<string, string>()
  private timer: NodeJS.Timeout | null = null
  private closed = false
  private fileRules: AlarmRule[] = []
  private readonly ruleChanges = new RuleChanges()
  private readonly scans = new AuditScans(AUDIT_SCANS_AT_ONCE)
  private readonly previews = new ReadSlots(
    1,
    () => 'a rule preview is running already: retry in a moment'
  )
  private readonly reevaluation: RuleReevaluation
  /** One line per phone receipt that acknowledged, while they are few. */
  private readonly receiptLog: RateLimitedLog
  private readonly limitLog: RateLimitedLog
  /** `refusedForLimit` as last said in the log. */
  private refusedSeen = 0
  private warnedOpenPush = false

  private constructor(
    private readonly options: AlarmServiceOptions,
    private readonly state: AlarmStateStore,
    private readonly audit: AlarmAuditLog,
    private readonly consoleRules: ConsoleAlarmRules,
    private file: AlarmRulesFile | null
  ) {
    super()
    this.stats = new AlarmStatsTracker({ now: options.now })
    this.engine = new AlarmEngine({
      now: options.now,
      maxAlarms: options.maxAlarms,
      maxShelveMs: options.maxShelveMs,
      flood: options.flood
    })
    this.notifier = new AlarmNotifier({
      messages: options.messages,
      clientUids: options.clientUids,
      flood: () => this.engine.flood(),
      audit: (event) => this.record(event),
      logger: options.logger,
      now: options.now
    })
    this.reevaluation = new RuleReevaluation({
      devices: options.devices,
      reports: options.reports,
      rules: () => this.rulesInForce(),
      reevaluate: (reports) => void this.apply(this.engine.reevaluate(reports)),
      maxDevices: options.maxDevices,
      logger: options.logger
    })
    this.limitLog = new RateLimitedLog({
      logger: options.logger,
      level: 'warn',
      burst: 1,
      intervalMs: 60_000,
      summary: (count, seconds) =>
        `${count} more times in the last ${seconds} s, alarms were not raised: --max-alarms alarms are held`,
      now: options.now
    })
    this.receiptLog = new RateLimitedLog({
      logger: options.logger,
      burst: 10,
      intervalMs: 60_000,
      summary: (count, seconds) => `${count} more phone acknowledgements in the last ${seconds} s`,
      now: options.now
    })
  }

  static async open(options: AlarmServiceOptions): Promise<AlarmService> {
    const { persistence, logger, now } = options
    const state = await AlarmStateStore.open(persistence)
    const audit = await AlarmAuditLog.open(persistence, options.retentionDays, now)
    const consoleRules = await ConsoleAlarmRules.open(persistence)
    const service = new AlarmService(options, state, audit, consoleRules, null)
    try {
      if (options.rulesFile !== undefined) {
        // Bounded in the file's parse: an edit beyond --max-alarm-rules is refused as a broken one.
        service.file = await AlarmRulesFile.open(
          options.rulesFile,
          logger,
          (rules) => service.onFileRules(rules),
          { max: options.maxRules, consoleRules: () => consoleRules.list() }
        )
        service.fileRules = service.file.rules()
      }
      for await (const event of audit.recent(now() - 86_400_000)) service.stats.record(event)
      const kept = await state.load()
      service.ruleChanges.seed(service.rules())
      service.engine.setRules(service.rulesInForce())
      const restored = service.engine.restore(kept.alarms, kept.maintenance)
      for (const alarm of kept.alarms) service.saved.set(alarm.id, savedForm(alarm))
      // What the rules in force no longer cover, or what ran out while the console was down,
      // leaves the disk too: otherwise it is read and dropped again at every start.
      for (const id of restored.droppedAlarms) void service.persist(id)
      for (const device of restored.droppedMaintenance)
        void service.saveMaintenance({ device, until: null, comment: null, by: 'system' })
      service.seeDevices()
      // What the devices last said, against the rules now (off the start's path).
      service.reevaluation.schedule('all')
      service.warnIfPhonesOpen()
    } catch (error) {
      await service.close()
      throw error
    }
    service.timer = setInterval(() => service.tick(), options.tickMs ?? 1000)
    service.timer.unref()
    logger.info(
      { rules: service.engine.counters().rules, alarms: service.engine.list().length },
      'alarms started'
    )
    return service
  }

  /** The report store's `stored` batch: evaluated at once, in the turn it is announced. */
  onStored(reports: readonly StoredReport[]): void {
    if (this.closed) return
    void this.apply(this.engine.evaluate(reports))
    for (const report of reports) this.reevaluation.sawReport(report.device)
  }

  /**
   * A push client's receipt: `ack` on an alarm message acknowledges its alarms as that client,
   * each only while it is still the raise the message was about. Each one refused (acked
   * already, a comment required, an earlier raise, normal by now) is an `ack-refused` event.
   */
  onReceipt(receipt: {
    id?: string
    uid: string
    status: string
    data: unknown
    comment?: string
  }): void {
    if (this.closed) return
    const raises = alarmsAckedBy(receipt.data, receipt.status)
    if (raises.length === 0) return
    let acked = 0
    for (const raise of raises) {
      const reason = this.phoneAck(raise, receipt)
      if (reason === null) acked++
      else void this.record(this.ackRefused(raise, receipt, reason))
    }
    this.receiptLog.log(
      'ack',
      { uid: receipt.uid, message: receipt.id, acked, refused: raises.length - acked },
      'a phone acknowledged alarms'
    )
  }

  /** Retention forgot these devices: so do the alarms (theirs leave, maintenance ends). */
  forgetDevices(devices: readonly string[]): void {
    if (this.closed) return
    for (const device of devices) void this.apply(this.engine.forgetDevice(device))
  }

  /** Resolves once the re-evaluations asked for so far are done (rule changes do not wait). */
  reevaluated(): Promise<void> {
    return this.reevaluation.idle()
  }

  /** Delays, staleness, shelving and maintenance ends, escalations, flood summaries. */
  tick(): void {
    if (this.closed) return
    void this.apply(this.engine.tick())
    this.notifier.tick()
    this.warnIfAtLimit()
  }

  /** Said at most once a minute: alarms the bound kept from being raised are a blind spot. */
  private warnIfAtLimit(): void {
    const { refusedForLimit, held } = this.engine.counters()
    if (refusedForLimit <= this.refusedSeen) return
    const refused = refusedForLimit - this.refusedSeen
    this.refusedSeen = refusedForLimit
    this.limitLog.log(
      'max-alarms',
      { refused, held, max: this.options.maxAlarms },
      'alarms not raised: --max-alarms alarms are held already'
    )
  }

  // ---- what the operations ask ----

  list(query: AlarmQuery = {}): Alarm[] {
    return this.engine
      .list()
      .filter(
        (a) =>
          (query.state === undefined || a.state === query.state) &&
          (query.severity === undefined || a.severity === query.severity) &&
          (query.device === undefined || a.device === query.device)
      )
  }

  /** The live topic's source: every alarm not normal. */
  current(): readonly Alarm[] {
    return this.engine.list()
  }

  flood(): AlarmFlood {
    return this.engine.flood()
  }

  ack(id: string, request: { comment?: string }, actor: AlarmActor): Promise<Alarm> {
    return this.act(id, this.engine.ack(id, { ...actor, comment: request.comment }))
  }

  shelve(
    id: string,
    request: { minutes: number; comment?: string },
    actor: AlarmActor
  ): Promise<Alarm> {
    return this.act(id, this.engine.shelve(id, { ...actor, ...request }))
  }

  unshelve(id: string, actor: AlarmActor): Promise<Alarm> {
    return this.act(id, this.engine.unshelve(id, actor))
  }

  silence(id: string, actor: AlarmActor): Promise<Alarm> {
    return this.act(id, this.engine.silence(id, actor))
  }

  async setMaintenance(
    device: string,
    request: { minutes: number; comment?: string },
    actor: AlarmActor
  ): Promise<DeviceMaintenance> {
    if (!this.options.devices.list().some((d) => d.id === device))
      throw new OperationError('not_found', `no device ${device}`)
    const { output, maintenance } = this.engine.setMaintenance(device, { ...actor, ...request })
    if (!(await this.apply(output)))
      throw new OperationError('unavailable', `the maintenance of ${device}: ${NOT_RECORDED}`)
    return maintenance
  }

  /** Every rule in force: the console's, then the file's. */
  rules(): AlarmRuleInfo[] {
    return this.rulesInForce()
  }

  async createRule(rule: AlarmRule, actor: AlarmActor): Promise<AlarmRuleInfo> {
    this.refuseFileId(rule.id)
    if (this.rulesInForce().length >= this.options.maxRules)
      throw new OperationError(
        'conflict',
        `at most ${this.options.maxRules} alarm rules (--max-alarm-rules)`
      )
    await this.consoleRules.create(rule)
    await this.rulesChanged(actor)
    return { ...rule, source: 'console' }
  }

  async updateRule(rule: AlarmRule, actor: AlarmActor): Promise<AlarmRuleInfo> {
    this.refuseFileId(rule.id)
    await this.consoleRules.replace(rule.id, rule)
    await this.rulesChanged(actor)
    return { ...rule, source: 'console' }
  }

  /** Replaces every rule made in the console (PUT /api/alarm-rules `{ rules }`). */
  async replaceRules(rules: AlarmRule[], actor: AlarmActor): Promise<AlarmRuleInfo[]> {
    for (const rule of rules) this.refuseFileId(rule.id)
    if (rules.length + this.fileRules.length > this.options.maxRules)
      throw new OperationError(
        'conflict',
        `at most ${this.options.maxRules} alarm rules (--max-alarm-rules)`
      )
    await this.consoleRules.replaceAll(rules)
    await this.rulesChanged(actor)
    return this.rules()
  }

  async deleteRule(id: string, actor: AlarmActor): Promise<void> {
    this.refuseFileId(id)
    await this.consoleRules.remove(id)
    await this.rulesChanged(actor)
  }

  /** Whether a rule taken as given would be active now, on which of the devices it matches. */
  async preview(rule: AlarmRule): Promise<AlarmRulePreview> {
    const pattern = deviceIdPattern(rule.devices)
    return this.previews.run(async () => {
      const matching = this.options.devices.list().filter((d) => pattern.test(d.id))
      const now = this.options.now()
      const active = new Set<string>()
      // Every matching device's latest (at most --max-devices), a few read at once.
      await forEachLatestReport(matching, this.options.reports, (device, latest) => {
        if (latest !== undefined && conditionHolds(rule, latest, now, device.lastSeen))
          active.add(device.id)
      })
      const devices = matching.filter((d) => active.has(d.id)).map((d) => d.id)
      return { devices, matched: matching.length }
    })
  }

  /** The audit trail's newest events of a query; `too_soon` while two reads of it run. */
  events(query: AlarmEventQuery): Promise<AlarmEvent[]> {
    return this.scans.run(() => this.audit.query(query))
  }

  /**
   * The audit trail as CSV, streamed: constant memory whatever the range. `too_soon` while two
   * reads of it run; the slot is held until the stream ends or is stopped.
   */
  eventsCsv(query: AlarmEventQuery): AsyncIterable<string> {
    return this.scans.stream(() => alarmEventsCsv(this.audit.stream(query)))
  }

  /** The audit trail as NDJSON, streamed, in a slot as eventsCsv. */
  eventsNdjson(query: AlarmEventQuery): AsyncIterable<string> {
    return this.scans.stream(() => alarmEventsNdjson(this.audit.stream(query)))
  }

  alarmStats(): AlarmStats {
    const names = new Map(this.rulesInForce().map((r) => [r.id, r.name]))
    return this.stats.stats(
      this.engine.list(),
      this.engine.flood(),
      this.engine.counters().notEvaluated,
      (rule) => names.get(rule)
    )
  }

  diagnostics(): DiagnosticsBody['alarms'] {
    const counters = this.engine.counters()
    return {
      rules: counters.rules,
      held: counters.held,
      notEvaluated: counters.notEvaluated,
      refusedForLimit: counters.refusedForLimit,
      rulesFileError: this.file?.lastError() ?? null
    }
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    this.notifier.stop()
    this.receiptLog.stop()
    this.limitLog.stop()
    await Promise.all([this.notifier.settled(), this.reevaluation.close()])
    this.file?.close()
    await this.state.flush()
    await this.audit.close()
  }

  // ---- inside ----

  private rulesInForce(): AlarmRuleInfo[] {
    const fromFile = new Set(this.fileRules.map((r) => r.id))
    return [
      ...this.consoleRules
        .list()
        .filter((r) => !fromFile.has(r.id))
        .map((r): AlarmRuleInfo => ({ ...r, source: 'console' })),
      ...this.fileRules.map((r): AlarmRuleInfo => ({ ...r, source: 'file' }))
    ]
  }

  private refuseFileId(id: string): void {
    if (this.fileRules.some((r) => r.id === id))
      throw new OperationError(
        'conflict',
        `rule ${id} comes from the rules file (--alarm-rules): change it there`
      )
  }

  /** An edit of the rules file that parsed, within --max-alarm-rules (its parse holds it to). */
  private onFileRules(rules: AlarmRule[]): void {
    if (this.closed) return
    this.fileRules = rules
    void this.rulesChanged({ by: 'rules file', via: 'system' })
  }

  /**
   * Applies the rules in force now and records what changed, by whom; the new and changed ones
   * are then evaluated against what their devices last reported (not waited for).
   */
  private async rulesChanged(actor: AlarmActor): Promise<void> {
    const rules = this.rulesInForce()
    const changes = this.ruleChanges.diff(rules, actor, this.options.now())
    const recorded = changes.map((event) => this.record(event))
    const applied = this.apply(this.engine.setRules(rules))
    // A new stale rule watches the devices already silent too.
    this.seeDevices()
    this.reevaluation.schedule(
      changes.filter((e) => e.type !== 'rule-deleted' && e.rule !== null).map((e) => e.rule!)
    )
    this.warnIfPhonesOpen()
    await Promise.all([...recorded, applied])
  }

  /** Tells the engine when each known device last reported (for `stale` rules). */
  private seeDevices(): void {
    for (const device of this.options.devices.list())
      this.engine.seeDevice(device.id, device.lastSeen)
  }

  /** Said once: phones acknowledge by uid, and without --push-key anyone may claim a uid. */
  private warnIfPhonesOpen(): void {
    if (this.options.pushKeyRequired || this.warnedOpenPush) return
    const notifying = this.rulesInForce().filter(
      (r) => r.notify !== undefined || r.escalate !== undefined
    )
    if (notifying.length === 0) return
    this.warnedOpenPush = true
    this.options.logger.warn(
      { rules: notifying.length },
      'alarm rules notify phones, but /push takes any client (no --push-key): any client on the ' +
        "network can register as a phone's uid, get its alarms and acknowledge them; set --push-key"
    )
  }

  /** Acknowledges one alarm of a phone's receipt; why not, or null when it did. */
  private phoneAck(raise: AckedRaise, receipt: { uid: string; comment?: string }): string | null {
    const alarm = this.engine.get(raise.id)
    if (alarm === undefined) return 'no such alarm now (it is normal)'
    if (alarm.raisedAt !== raise.raisedAt)
      return 'the message was about an earlier raise of the alarm'
    try {
      const output = this.engine.ack(raise.id, {
        by: receipt.uid,
        via: 'push',
        comment: receipt.comment
      })
      void this.apply(output)
      return null
    } catch (error) {
      // Acked already (by another phone or the operator), or a comment the rule requires.
      if (error instanceof OperationError) return error.message
      this.options.logger.error({ err: error, alarm: raise.id }, 'a phone acknowledgement failed')
      return 'the console failed to acknowledge it'
    }
  }

  private ackRefused(
    raise: AckedRaise,
    receipt: { id?: string; uid: string; comment?: string },
    reason: string
  ): AlarmEvent {
    const alarm = this.engine.get(raise.id)
    const comment = receipt.comment?.trim()
    return {
      time: this.options.now(),
      type: 'ack-refused',
      alarm: raise.id,
      rule: alarm?.rule ?? null,
      device: alarm?.device ?? null,
      severity: alarm?.severity ?? null,
      state: alarm?.state ?? null,
      by: receipt.uid,
      via: 'push',
      comment: comment === undefined || comment === '' ? null : comment,
      detail: { reason, raisedAt: raise.raisedAt, message: receipt.id ?? null }
    }
  }

  /**
   * An operator's or a phone's action: answered once its state and audit record are written, so
   * an acknowledgement the console confirmed survives a crash right after; `unavailable` (503)
   * when they could not be written — the console must not confirm what it may forget.
   */
  private async act(id: string, output: EngineOutput): Promise<Alarm> {
    if (!(await this.apply(output)))
      throw new OperationError('unavailable', `alarm ${id}: ${NOT_RECORDED}`)
    const alarm = this.engine.get(id)
    // An action that made it normal (an ack of a cleared alarm): what it looks like now.
    return alarm ?? output.changed.find((a) => a.id === id)!
  }

  /**
   * Records, writes, notifies and announces what the engine decided, in that order; resolves
   * once its writes are done, true when all of them were written (a failed one is logged).
   */
  private apply(output: EngineOutput): Promise<boolean> {
    const writes: Promise<boolean>[] = []
    for (const event of output.events) writes.push(this.record(event))
    for (const alarm of output.changed) writes.push(this.persist(alarm.id))
    for (const maintenance of output.maintenance) writes.push(this.saveMaintenance(maintenance))
    for (const notification of output.notifications) this.notifier.notify(notification)
    if (output.changed.length > 0) this.emit('changed', output.changed)
    if (output.flood !== null) this.emit('flood', output.flood)
    return Promise.all(writes).then((written) => written.every(Boolean))
  }

  private record(event: AlarmEvent): Promise<boolean> {
    this.stats.record(event)
    return this.written(this.audit.append(event), { type: event.type }, 'an alarm event')
  }

  /** Writes an alarm's state when more than its current value changed; removes a normal one. */
  private persist(id: string): Promise<boolean> {
    const alarm = this.engine.persisted(id)
    if (alarm === undefined) {
      if (!this.saved.delete(id)) return Promise.resolve(true)
      return this.written(this.state.remove(id), { alarm: id }, 'an alarm state')
    }
    const form = savedForm(alarm)
    if (this.saved.get(id) === form) return Promise.resolve(true)
    this.saved.set(id, form)
    const saving = this.state.save(alarm).catch((error: unknown) => {
      // Not on disk after all: the next change of it is written, even if it looks the same.
      if (this.saved.get(id) === form) this.saved.delete(id)
      throw error
    })
    return this.written(saving, { alarm: id }, 'an alarm state')
  }

  /** A maintenance started, changed or ended (`until` null: removed). */
  private saveMaintenance(maintenance: DeviceMaintenance): Promise<boolean> {
    const saving = this.state.saveMaintenance(maintenance)
    return this.written(saving, { device: maintenance.device }, 'a device maintenance')
  }

  /** Whether `write` was done; a failure is logged (`what` could not be recorded), not thrown. */
  private written(
    write: Promise<void>,
    fields: Record<string, unknown>,
    what: string
  ): Promise<boolean> {
    return write.then(
      () => true,
      (error: unknown) => {
        this.options.logger.error({ err: error, ...fields }, `could not record ${what}`)
        return false
      }
    )
  }
}

/** An alarm's state as written, without what moves with every report. */
function savedForm(alarm: object): string {
  const { currentValue: _value, updatedAt: _at, ...rest } = alarm as Alarm
  return JSON.stringify(rest)
}

export type { ActionActor }
