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
import type { Logger } from '../runtime/logger'
import { AlarmAuditLog } from './alarm-audit-log'
import { conditionHolds } from './alarm-condition'
import { AlarmEngine, type ActionActor, type EngineOutput } from './alarm-engine'
import { alarmEventsCsv } from './alarm-events-csv'
import { AlarmNotifier } from './alarm-notifier'
import { alarmsAckedBy } from './alarm-receipts'
import { AlarmRulesFile } from './alarm-rules-file'
import { AlarmStateStore } from './alarm-state-store'
import { AlarmStatsTracker } from './alarm-stats'
import { ConsoleAlarmRules } from './console-alarm-rules'
import { RuleChanges } from './rule-changes'

/** Devices a preview looks at, at most: each costs a query of its latest report. */
const PREVIEW_MAX_DEVICES = 200

export interface AlarmServiceOptions {
  persistence: Pick<PersistenceBackend, 'collection' | 'dayLog'>
  /** `--alarm-rules`: a JSON or YAML file of rules, re-read on change. */
  rulesFile?: string
  /** The devices known now, for `stale` rules and previews. */
  devices: { list(): readonly DeviceState[] }
  /** A device's newest report, for previews. */
  reports: { query(query: { device: string; limit: number }): Promise<StoredReport[]> }
  messages: { send(to: string | undefined, data: unknown): Promise<MessageAccepted> }
  /** Every registered push client's uid (`notify: "all"`). */
  clientUids: () => string[]
  retentionDays: number
  maxRules: number
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
  }

  static async open(options: AlarmServiceOptions): Promise<AlarmService> {
    const { persistence, logger, now } = options
    const state = await AlarmStateStore.open(persistence)
    const audit = await AlarmAuditLog.open(persistence, options.retentionDays, now)
    const consoleRules = await ConsoleAlarmRules.open(persistence)
    const service = new AlarmService(options, state, audit, consoleRules, null)
    try {
      if (options.rulesFile !== undefined) {
        service.file = await AlarmRulesFile.open(options.rulesFile, logger, (rules) =>
          service.onFileRules(rules)
        )
        service.fileRules = service.file.rules()
      }
      for await (const event of audit.recent(now() - 86_400_000)) service.stats.record(event)
      const kept = await state.load()
      service.ruleChanges.seed(service.rules())
      service.engine.setRules(service.rulesInForce())
      service.engine.restore(kept.alarms, kept.maintenance)
      for (const alarm of kept.alarms) service.saved.set(alarm.id, savedForm(alarm))
      for (const device of options.devices.list())
        service.engine.seeDevice(device.id, device.lastSeen)
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
  }

  /** A push client's receipt: `ack` on an alarm message acknowledges its alarms as that client. */
  onReceipt(receipt: { uid: string; status: string; data: unknown; comment?: string }): void {
    if (this.closed) return
    for (const id of alarmsAckedBy(receipt.data, receipt.status)) {
      try {
        void this.apply(
          this.engine.ack(id, { by: receipt.uid, via: 'push', comment: receipt.comment })
        )
      } catch (error) {
        // Acked already (by another phone or the operator), or no longer there: nothing owed.
        this.options.logger.info(
          { alarm: id, uid: receipt.uid, reason: (error as Error).message },
          'a phone acknowledgement changed nothing'
        )
      }
    }
  }

  /** Delays, staleness, shelving and maintenance ends, escalations, flood summaries. */
  tick(): void {
    if (this.closed) return
    void this.apply(this.engine.tick())
    this.notifier.tick()
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
    await Promise.all([this.apply(output), this.state.saveMaintenance(maintenance)])
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
    const matching = this.options.devices.list().filter((d) => pattern.test(d.id))
    const now = this.options.now()
    const active: string[] = []
    for (const device of matching.slice(0, PREVIEW_MAX_DEVICES)) {
      const [latest] = await this.options.reports.query({ device: device.id, limit: 1 })
      if (latest !== undefined && conditionHolds(rule, latest, now, device.lastSeen))
        active.push(device.id)
    }
    return { devices: active, matched: matching.length }
  }

  events(query: AlarmEventQuery): Promise<AlarmEvent[]> {
    return this.audit.query(query)
  }

  /** The audit trail as CSV, streamed: constant memory whatever the range. */
  eventsCsv(query: AlarmEventQuery): AsyncIterable<string> {
    return alarmEventsCsv(this.audit.stream(query))
  }

  alarmStats(): AlarmStats {
    return this.stats.stats(
      this.engine.list(),
      this.engine.flood(),
      this.engine.counters().notEvaluated
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
    await this.notifier.settled()
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

  private onFileRules(rules: AlarmRule[]): void {
    if (this.closed) return
    if (rules.length + this.consoleRules.list().length > this.options.maxRules) {
      this.options.logger.error(
        { rules: rules.length, max: this.options.maxRules },
        'alarm rules file not applied: more rules than --max-alarm-rules; the rules in force stay'
      )
      return
    }
    this.fileRules = rules
    void this.rulesChanged({ by: 'rules file', via: 'system' })
  }

  /** Applies the rules in force now and records what changed, by whom. */
  private async rulesChanged(actor: AlarmActor): Promise<void> {
    const rules = this.rulesInForce()
    const recorded = this.ruleChanges
      .diff(rules, actor, this.options.now())
      .map((event) => this.record(event))
    await Promise.all([...recorded, this.apply(this.engine.setRules(rules))])
  }

  /**
   * An operator's or a phone's action: answered once its state and audit record are written, so
   * an acknowledgement the console confirmed survives a crash right after.
   */
  private async act(id: string, output: EngineOutput): Promise<Alarm> {
    await this.apply(output)
    const alarm = this.engine.get(id)
    // An action that made it normal (an ack of a cleared alarm): what it looks like now.
    return alarm ?? output.changed.find((a) => a.id === id)!
  }

  /**
   * Records, writes, notifies and announces what the engine decided, in that order; resolves
   * once its writes are done (they never reject: a failed write is logged).
   */
  private apply(output: EngineOutput): Promise<void> {
    const writes: Promise<void>[] = []
    for (const event of output.events) writes.push(this.record(event))
    for (const alarm of output.changed) writes.push(this.persist(alarm.id))
    for (const notification of output.notifications) this.notifier.notify(notification)
    if (output.changed.length > 0) this.emit('changed', output.changed)
    if (output.flood !== null) this.emit('flood', output.flood)
    return Promise.all(writes).then(() => undefined)
  }

  private record(event: AlarmEvent): Promise<void> {
    this.stats.record(event)
    return this.audit
      .append(event)
      .catch((error: unknown) =>
        this.options.logger.error(
          { err: error, type: event.type },
          'could not record an alarm event'
        )
      )
  }

  /** Writes an alarm's state when more than its current value changed; removes a normal one. */
  private persist(id: string): Promise<void> {
    const alarm = this.engine.persisted(id)
    const fail = (error: unknown): void =>
      this.options.logger.error({ err: error, alarm: id }, 'could not record an alarm state')
    if (alarm === undefined) {
      if (!this.saved.delete(id)) return Promise.resolve()
      return this.state.remove(id).catch(fail)
    }
    const form = savedForm(alarm)
    if (this.saved.get(id) === form) return Promise.resolve()
    this.saved.set(id, form)
    return this.state.save(alarm).catch(fail)
  }
}

/** An alarm's state as written, without what moves with every report. */
function savedForm(alarm: object): string {
  const { currentValue: _value, updatedAt: _at, ...rest } = alarm as Alarm
  return JSON.stringify(rest)
}

export type { ActionActor }
