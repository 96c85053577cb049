import type {
  CreatedDeviceToken,
  DeviceEvent,
  DevicePage,
  DeviceState,
  DeviceTokenSettings,
  DiagnosticsBody,
  MessageAccepted,
  MessageStatus
} from '../../shared/api-types'
import { EXPORT_LIMITS, type SeriesBody } from '../../shared/history-types'
import type { StoredReport } from '../../shared/ingest-protocol'
import type { ConsoleInfo, LiveSnapshot, PushClientState } from '../../shared/live-events'
import type { DeviceRegistry } from './devices/device-registry'
import { reportExport, type ReportExport } from './export/report-export'
import { AlarmOperations, type AlarmServicePart } from './operations/alarm-operations'
import type { ManagedTokens } from './ingest/tokens/managed-tokens'
import type { LiveHub, LiveListener } from './live/live-hub'
import { parseExportQuery } from './operations/export-request-schemas'
import { notRunning, OperationError } from './operations/operation-error'
import { parseSeriesQuery } from './operations/series-request-schema'
import { SourceOperations, type SourceServicePart } from './operations/source-operations'
import {
  parseCreateDeviceToken,
  parseDevicePage,
  parseId,
  parseReportQuery,
  parseSendMessage,
  parseTokensRequired
} from './operations/request-schemas'
import type { MessageService } from './push/message-service'
import type { PushClientRegistry } from './push/push-client-registry'
import type { ConsoleDiagnostics } from './runtime/diagnostics'
import type { Logger } from './runtime/logger'
import { ReadSlots } from './runtime/read-slots'
import type { ReportStore } from './store/report-store'

/** Device events a viewer is shown of one device, newest first. */
const DEVICE_EVENTS_SHOWN = 1000

/** What the operations act on: the parts of a running console, as `start()` built them. */
export interface ConsoleServices {
  info: ConsoleInfo
  reports: Pick<
    ReportStore,
    'query' | 'scan' | 'estimateScan' | 'fieldPaths' | 'newestId' | 'series'
  >
  devices: Pick<DeviceRegistry, 'list' | 'page' | 'recentEvents'>
  messages: Pick<MessageService, 'send' | 'status'>
  pushClients: Pick<PushClientRegistry, 'list'>
  tokens: Pick<ManagedTokens, 'required' | 'list' | 'create' | 'revoke' | 'setRequired'>
  /** Whether a `--device-tokens` file is in force (its tokens are never listed). */
  tokensFromFile: boolean
  diagnostics: Pick<ConsoleDiagnostics, 'read'>
  live: Pick<LiveHub, 'subscribe'>
  alarms: AlarmServicePart
  sources: SourceServicePart
}

export interface ConsoleOperationsOptions {
  /**
   * The running console's services; undefined before `start()` and from `stop()` on, when every
   * operation answers `not_running` instead of reaching a closed part.
   */
  services: () => ConsoleServices | undefined
  /** The bound of an HTTP body, held for the window's IPC too: it is not a way round it. */
  maxBodyBytes: number
  logger: Logger
  /** The console's clock: what an export's open end stands for. */
  now?: () => number
}

/**
 * What a viewer or the operator may ask of the console, whichever way it comes: the HTTP routes
 * and the desktop window's IPC are adapters over these. Input is validated here, because the
 * renderer is trusted no more than the network; a refusal is an OperationError with a code
 * from the closed union in src/shared/error-codes.ts.
 */
export class ConsoleOperations {
  /** Alarms: list, acknowledge, shelve, maintenance, rules, the audit trail, the KPIs. */
  readonly alarms: AlarmOperations
  /** Sources (Modbus, OPC UA pollers): list, create, change, delete. */
  readonly sources: SourceOperations
  /** Exports reading the store at once, over HTTP and the window together. */
  private readonly exports = new ReadSlots(
    EXPORT_LIMITS.maxAtOnce,
    (n) => `${n} exports are running already: retry once one of them is done`
  )

  constructor(private readonly options: ConsoleOperationsOptions) {
    this.alarms = new AlarmOperations(
      () => this.running().alarms,
      options.logger,
      () => (options.now ?? Date.now)()
    )
    this.sources = new SourceOperations(() => this.running().sources, options.logger)
  }

  private running(): ConsoleServices {
    const services = this.options.services()
    if (services === undefined) throw notRunning()
    return services
  }

  /** Where the console is, as viewers' headers show it. */
  info(): ConsoleInfo {
    return this.running().info
  }

  /** Makes an in-process viewer live: its snapshot now, then every live event. */
  subscribeLive(listener: LiveListener): { snapshot: LiveSnapshot; unsubscribe: () => void } {
    return this.running().live.subscribe(listener)
  }

  /** Stored reports, newest first, across partitions. */
  async queryReports(query: unknown): Promise<StoredReport[]> {
    const { reports } = this.running()
    return reports.query(parseReportQuery(query))
  }

  /**
   * One device's numeric fields over a range, downsampled to at most `points` buckets of
   * min/max/avg/count/last (`GET /api/series`): from the rollups, so a month costs no more than
   * an hour. `until` is now and `since` 15 minutes before it when left out.
   */
  async series(query: unknown): Promise<SeriesBody> {
    const { reports } = this.running()
    return reports.series(parseSeriesQuery(query, (this.options.now ?? Date.now)()))
  }

  /**
   * Every stored report of a range (`GET /api/export`, the window's Export), oldest first, as
   * CSV or NDJSON made as it is read. Its chunks hold one of the export slots from now until
   * they are read to the end or stopped: read them, or call `return()` on their iterator.
   */
  exportReports(query: unknown): ReportExport {
    const { reports } = this.running()
    const parsed = parseExportQuery(query)
    const now = (this.options.now ?? Date.now)()
    const made = reportExport(reports, parsed, { now })
    return { ...made, chunks: this.exports.stream(() => made.chunks) }
  }

  /** Every device, in id order (what scripts got before pages; bounded by --max-devices). */
  devices(): DeviceState[] {
    return this.running().devices.list()
  }

  devicePage(request: unknown): DevicePage {
    const { devices } = this.running()
    const { limit, after } = parseDevicePage(request)
    return devices.page(limit, after)
  }

  /** A device's online/offline transitions, newest first. */
  async deviceEvents(id: unknown): Promise<DeviceEvent[]> {
    const { devices } = this.running()
    return devices.recentEvents(parseId(id, 'a device id'), DEVICE_EVENTS_SHOWN)
  }

  async sendMessage(request: unknown): Promise<MessageAccepted> {
    const { messages } = this.running()
    const { to, data } = parseSendMessage(request)
    const bytes = Buffer.byteLength(JSON.stringify(data))
    if (bytes > this.options.maxBodyBytes)
      throw new OperationError('too_large', `data: at most ${this.options.maxBodyBytes} bytes`)
    return messages.send(to, data)
  }

  async messageStatus(id: unknown): Promise<MessageStatus> {
    const { messages } = this.running()
    const checked = parseId(id, 'a message id')
    const status = await messages.status(checked)
    if (status === undefined) throw new OperationError('not_found', `no message ${checked}`)
    return status
  }

  pushClients(): readonly PushClientState[] {
    return this.running().pushClients.list()
  }

  /** Whether devices need a token, and the tokens made in the console (never the tokens). */
  deviceTokens(): DeviceTokenSettings {
    const { tokens, tokensFromFile } = this.running()
    return {
      required: tokens.required || tokensFromFile,
      fromFile: tokensFromFile,
      tokens: tokens.list()
    }
  }

  /** Makes a device token; the answer holds it in full, this once. */
  async createDeviceToken(request: unknown): Promise<CreatedDeviceToken> {
    const { tokens } = this.running()
    const { identity, devices } = parseCreateDeviceToken(request)
    const created = await tokens.create(identity, devices ?? null)
    this.options.logger.info({ id: created.info.id, identity }, 'device token created')
    return created
  }

  async revokeDeviceToken(id: unknown): Promise<DeviceTokenSettings> {
    const { tokens } = this.running()
    const checked = parseId(id, 'a token id')
    await tokens.revoke(checked)
    this.options.logger.info({ id: checked }, 'device token revoked')
    return this.deviceTokens()
  }

  async setDeviceTokensRequired(request: unknown): Promise<DeviceTokenSettings> {
    const { tokens } = this.running()
    const { required } = parseTokensRequired(request)
    await tokens.setRequired(required)
    this.options.logger.info({ required }, 'device tokens required: changed')
    return this.deviceTokens()
  }

  /** The console process's own health (`npm run soak` reads it every minute). */
  async diagnostics(): Promise<DiagnosticsBody> {
    return this.running().diagnostics.read()
  }
}
