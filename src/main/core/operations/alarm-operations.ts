import type {
  Alarm,
  AlarmActionVia,
  AlarmEvent,
  AlarmRuleInfo,
  AlarmRulePreview,
  AlarmStats,
  DeviceMaintenance
} from '../../../shared/alarm-types'
import { parseAlarmRule, parseAlarmRules } from '../alarms/alarm-rule-schema'
import { auditTrailFilename } from '../alarms/audit-filename'
import type { AlarmActor, AlarmService } from '../alarms/alarm-service'
import { deviceIdPattern } from '../ingest/protocol/device-id-pattern'
import type { Logger } from '../runtime/logger'
import {
  parseAck,
  parseActor,
  parseAlarmEventExport,
  parseAlarmEventQuery,
  parseAlarmQuery,
  parseAlarmRuleQuery,
  parseMaintenance,
  parseShelve
} from './alarm-request-schemas'
import { OperationError } from './operation-error'
import { parseId } from './request-schemas'

/** What the alarm operations act on: the running console's alarm service. */
export type AlarmServicePart = Pick<
  AlarmService,
  | 'list'
  | 'ack'
  | 'shelve'
  | 'unshelve'
  | 'silence'
  | 'setMaintenance'
  | 'rules'
  | 'createRule'
  | 'updateRule'
  | 'replaceRules'
  | 'deleteRule'
  | 'preview'
  | 'events'
  | 'eventsCsv'
  | 'eventsNdjson'
  | 'alarmStats'
>

/**
 * A rule as given, without the `source` that listing it adds: a rule read from the API can be
 * sent back as it came (scripts fetch, change and put).
 */
function withoutSource(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input
  const { source: _source, ...rule } = input as Record<string, unknown>
  return rule
}

/** The audit trail as a file: its name (the console's UTC day), type and text, made as read. */
export interface AlarmEventsExport {
  filename: string
  contentType: string
  chunks: AsyncIterable<string>
}

const EXPORT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8'
} as const

/** Who asks: a name the operator gave, else `operator`; and which way the request came. */
function actor(operator: string | undefined, via: AlarmActionVia): AlarmActor {
  return { by: operator ?? 'operator', via }
}

/**
 * The alarm use cases, for HTTP and the desktop window's IPC alike (`via` says which, for the
 * audit trail). Reading is any key's; the rest is the operator's — the routes and the window
 * hold that line, these validate what comes.
 */
export class AlarmOperations {
  constructor(
    private readonly alarms: () => AlarmServicePart,
    private readonly logger: Logger,
    private readonly now: () => number
  ) {}

  list(query: unknown): Alarm[] {
    return this.alarms().list(parseAlarmQuery(query))
  }

  async ack(id: unknown, request: unknown, via: AlarmActionVia): Promise<Alarm> {
    const alarms = this.alarms()
    const checked = parseId(id, 'an alarm id')
    const { comment, operator } = parseAck(request)
    return alarms.ack(checked, { comment }, actor(operator, via))
  }

  async shelve(id: unknown, request: unknown, via: AlarmActionVia): Promise<Alarm> {
    const alarms = this.alarms()
    const checked = parseId(id, 'an alarm id')
    const { minutes, comment, operator } = parseShelve(request)
    return alarms.shelve(checked, { minutes, comment }, actor(operator, via))
  }

  async unshelve(id: unknown, request: unknown, via: AlarmActionVia): Promise<Alarm> {
    const alarms = this.alarms()
    const { operator } = parseAck(request)
    return alarms.unshelve(parseId(id, 'an alarm id'), actor(operator, via))
  }

  async silence(id: unknown, request: unknown, via: AlarmActionVia): Promise<Alarm> {
    const alarms = this.alarms()
    const { operator } = parseAck(request)
    return alarms.silence(parseId(id, 'an alarm id'), actor(operator, via))
  }

  async maintenance(
    device: unknown,
    request: unknown,
    via: AlarmActionVia
  ): Promise<DeviceMaintenance> {
    const alarms = this.alarms()
    const checked = parseId(device, 'a device id')
    const { minutes, comment, operator } = parseMaintenance(request)
    const result = await alarms.setMaintenance(checked, { minutes, comment }, actor(operator, via))
    this.logger.info({ device: checked, until: result.until }, 'device maintenance set')
    return result
  }

  /** Every rule in force, or those whose pattern matches `device`. */
  rules(query?: unknown): AlarmRuleInfo[] {
    const alarms = this.alarms()
    const { device } = parseAlarmRuleQuery(query)
    if (device === undefined) return alarms.rules()
    return alarms.rules().filter((rule) => deviceIdPattern(rule.devices).test(device))
  }

  /** `who` is `{ operator? }`: the name the audit trail records the change by. */
  async createRule(input: unknown, via: AlarmActionVia, who?: unknown): Promise<AlarmRuleInfo> {
    const alarms = this.alarms()
    const { operator } = parseActor(who)
    const taken = new Set(alarms.rules().map((r) => r.id))
    const rule = parseAlarmRule(withoutSource(input), { taken: (id) => taken.has(id) })
    const created = await alarms.createRule(rule, actor(operator, via))
    this.logger.info({ rule: rule.id }, 'alarm rule created')
    return created
  }

  async updateRule(
    id: unknown,
    input: unknown,
    via: AlarmActionVia,
    who?: unknown
  ): Promise<AlarmRuleInfo> {
    const alarms = this.alarms()
    const { operator } = parseActor(who)
    const checked = parseId(id, 'a rule id')
    const rule = parseAlarmRule(withoutSource(input), { id: checked })
    if (rule.id !== checked)
      throw new OperationError('bad_request', `id: the body's id must be the path's (${checked})`)
    const updated = await alarms.updateRule(rule, actor(operator, via))
    this.logger.info({ rule: rule.id }, 'alarm rule changed')
    return updated
  }

  /** PUT /api/alarm-rules `{ rules: [...] }`: the console's rules, all at once (as a file would). */
  async replaceRules(input: unknown, via: AlarmActionVia, who?: unknown): Promise<AlarmRuleInfo[]> {
    const alarms = this.alarms()
    const { operator } = parseActor(who)
    const rules = parseAlarmRules(input)
    const result = await alarms.replaceRules(rules, actor(operator, via))
    this.logger.info({ rules: rules.length }, 'alarm rules replaced')
    return result
  }

  async deleteRule(id: unknown, via: AlarmActionVia, who?: unknown): Promise<void> {
    const alarms = this.alarms()
    const { operator } = parseActor(who)
    const checked = parseId(id, 'a rule id')
    await alarms.deleteRule(checked, actor(operator, via))
    this.logger.info({ rule: checked }, 'alarm rule deleted')
  }

  preview(input: unknown): Promise<AlarmRulePreview> {
    const alarms = this.alarms()
    return alarms.preview(parseAlarmRule(withoutSource(input), { id: 'preview' }))
  }

  events(query: unknown): Promise<AlarmEvent[]> {
    const alarms = this.alarms()
    return alarms.events(parseAlarmEventQuery(query))
  }

  /**
   * The audit trail of a range (`{ format: 'csv' | 'ndjson', since?, until?, device?, rule?,
   * alarm? }`) as a file, streamed whatever its length; HTTP's download and the window's save
   * alike. Refused with `too_soon` while two reads of the trail run.
   */
  exportEvents(query: unknown): AlarmEventsExport {
    const alarms = this.alarms()
    const { format, ...range } = parseAlarmEventExport(query)
    return {
      filename: auditTrailFilename(format, this.now()),
      contentType: EXPORT_TYPES[format],
      chunks: format === 'csv' ? alarms.eventsCsv(range) : alarms.eventsNdjson(range)
    }
  }

  stats(): AlarmStats {
    return this.alarms().alarmStats()
  }
}
