/**
 * The IPC contract between the Electron main process and the renderer: every request channel
 * and every pushed event the preload exposes is named here. `IPC_CHANNELS` must list a channel
 * for every method of `ConsoleRequests` and `IPC_EVENTS` one for every live event, so a new
 * request or event fails to compile until it is wired.
 */
import type {
  AckRequest,
  Alarm,
  AlarmEvent,
  AlarmEventQuery,
  AlarmQuery,
  AlarmRule,
  AlarmRuleInfo,
  AlarmRuleQuery,
  AlarmRulePreview,
  AlarmStats,
  DeviceMaintenance,
  MaintenanceRequest,
  ShelveRequest
} from './alarm-types'
import type {
  CreateDeviceTokenRequest,
  CreatedDeviceToken,
  DeviceTokenSettings,
  MessageAccepted,
  MessageStatus
} from './api-types'
import type {
  ExportOutcome,
  ExportProgress,
  ExportQuery,
  SeriesBody,
  SeriesQuery
} from './history-types'
import type { StoredReport } from './ingest-protocol'
import type { SourceConfig, SourceStatus } from './source-types'
import {
  LIVE_TOPICS,
  type ConsoleInfo,
  type LiveSnapshot,
  type LiveTopic,
  type LiveTopics,
  type ReportQuery,
  type SendMessageRequest
} from './live-events'

export type ConsoleStatus =
  | { state: 'running'; info: ConsoleInfo; dataDir: string }
  | { state: 'starting' }
  /** `hint` says what to do, e.g. which process holds the port. */
  | { state: 'failed'; message: string; hint?: string }

/**
 * What the UI may ask the console, however it reaches it: the desktop window over IPC, a browser
 * over HTTP. The renderer's ConsoleBridge offers exactly these.
 */
export interface UiRequests {
  queryReports(query: ReportQuery): Promise<StoredReport[]>
  /** A device's numeric fields over a range, downsampled (`GET /api/series`). */
  series(query: SeriesQuery): Promise<SeriesBody>
  /**
   * Every stored report of a range as a file: the desktop window asks where to save it (its
   * save dialog), a browser downloads it. `id` names it in its progress (`onExportProgress`)
   * and to `cancelExport`; a cancelled export, or a save dialog closed, is `{ saved: false }`.
   */
  exportReports(query: ExportQuery, id?: string): Promise<ExportOutcome>
  /** Stops the export of that id: it answers `{ saved: false }`, its part-written file removed. */
  cancelExport(id: string): Promise<void>
  sendMessage(request: SendMessageRequest): Promise<MessageAccepted>
  messageStatus(id: string): Promise<MessageStatus>
  /** Puts the read-only remote-view URL on the clipboard. */
  copyViewUrl(): Promise<void>
  /** Puts a text the window shows (a new device token) on the clipboard. */
  copyText(text: string): Promise<void>
  deviceTokens(): Promise<DeviceTokenSettings>
  createDeviceToken(request: CreateDeviceTokenRequest): Promise<CreatedDeviceToken>
  revokeDeviceToken(id: string): Promise<DeviceTokenSettings>
  setDeviceTokensRequired(required: boolean): Promise<DeviceTokenSettings>
  alarms(query: AlarmQuery): Promise<Alarm[]>
  ackAlarm(id: string, request: AckRequest): Promise<Alarm>
  shelveAlarm(id: string, request: ShelveRequest): Promise<Alarm>
  unshelveAlarm(id: string): Promise<Alarm>
  /** Stops the window's tone for this alarm; it stays unacknowledged. */
  silenceAlarm(id: string): Promise<Alarm>
  setDeviceMaintenance(device: string, request: MaintenanceRequest): Promise<DeviceMaintenance>
  alarmRules(query?: AlarmRuleQuery): Promise<AlarmRuleInfo[]>
  /** A rule without an id is given one made from its name. */
  createAlarmRule(rule: Omit<AlarmRule, 'id'> & { id?: string }): Promise<AlarmRuleInfo>
  updateAlarmRule(id: string, rule: AlarmRule): Promise<AlarmRuleInfo>
  deleteAlarmRule(id: string): Promise<void>
  previewAlarmRule(rule: Omit<AlarmRule, 'id'> & { id?: string }): Promise<AlarmRulePreview>
  alarmEvents(query: AlarmEventQuery): Promise<AlarmEvent[]>
  /** The audit trail of a query as a CSV file, saved as `exportReports` saves (no `limit`). */
  exportAlarmEvents(query: AlarmEventQuery, id?: string): Promise<ExportOutcome>
  alarmStats(): Promise<AlarmStats>
  /** Every source (Modbus, OPC UA poller) with its health; passwords shown as `…`. */
  sources(): Promise<SourceStatus[]>
  createSource(config: SourceConfig): Promise<SourceStatus>
  /** Replaces a console source; an OPC UA password of `…` keeps the one it has. */
  updateSource(id: string, config: SourceConfig): Promise<SourceStatus>
  deleteSource(id: string): Promise<void>
}

/** What the renderer may ask the main process; each answer comes back in the envelope. */
export interface ConsoleRequests extends UiRequests {
  getStatus(): Promise<ConsoleStatus>
  /**
   * Starts (or restarts) this window's live feed and answers its snapshot: live events sent
   * after the answer follow it, none before it is lost (they are in it).
   */
  openLive(): Promise<LiveSnapshot>
}

/** What the window is pushed: the live topics of `/live`, and the console's own state changes. */
export interface IpcEventPayloads extends LiveTopics {
  status: ConsoleStatus
}

export type IpcEvents = { [E in keyof IpcEventPayloads]: (payload: IpcEventPayloads[E]) => void }
export type IpcEventName = keyof IpcEventPayloads
export type IpcEventListener<E extends IpcEventName> = (payload: IpcEventPayloads[E]) => void

/** What the preload exposes as `window.api`: the requests, and subscriptions to live events. */
export interface ConsoleIpcApi extends ConsoleRequests {
  /** Listens to one live event; returns the function that stops listening. */
  on<E extends IpcEventName>(event: E, listener: IpcEventListener<E>): () => void
  /** Listens to the progress of this window's exports; returns the function that stops it. */
  onExportProgress(listener: (progress: ExportProgress) => void): () => void
}

export const IPC_CHANNELS = {
  getStatus: 'console:get-status',
  openLive: 'console:open-live',
  queryReports: 'console:query-reports',
  series: 'console:series',
  exportReports: 'console:export-reports',
  cancelExport: 'console:cancel-export',
  sendMessage: 'console:send-message',
  messageStatus: 'console:message-status',
  copyViewUrl: 'console:copy-view-url',
  copyText: 'console:copy-text',
  deviceTokens: 'console:device-tokens',
  createDeviceToken: 'console:create-device-token',
  revokeDeviceToken: 'console:revoke-device-token',
  setDeviceTokensRequired: 'console:set-device-tokens-required',
  alarms: 'console:alarms',
  ackAlarm: 'console:ack-alarm',
  shelveAlarm: 'console:shelve-alarm',
  unshelveAlarm: 'console:unshelve-alarm',
  silenceAlarm: 'console:silence-alarm',
  setDeviceMaintenance: 'console:set-device-maintenance',
  alarmRules: 'console:alarm-rules',
  createAlarmRule: 'console:create-alarm-rule',
  updateAlarmRule: 'console:update-alarm-rule',
  deleteAlarmRule: 'console:delete-alarm-rule',
  previewAlarmRule: 'console:preview-alarm-rule',
  alarmEvents: 'console:alarm-events',
  exportAlarmEvents: 'console:export-alarm-events',
  alarmStats: 'console:alarm-stats',
  sources: 'console:sources',
  createSource: 'console:create-source',
  updateSource: 'console:update-source',
  deleteSource: 'console:delete-source'
} as const satisfies Record<keyof ConsoleRequests, string>

/**
 * Where the main process sends the asking window the progress of its exports (ExportProgress,
 * at most every 100 ms). Not a live topic: it is one window's, and no snapshot holds it.
 */
export const EXPORT_PROGRESS_CHANNEL = 'console:export-progress'

/** The window's event channels: `live:<topic>` for each live topic, and `live:status`. */
export const IPC_EVENTS = Object.fromEntries(
  [...(Object.keys(LIVE_TOPICS) as LiveTopic[]), 'status'].map((e) => [e, `live:${e}`])
) as { readonly [E in IpcEventName]: `live:${E}` }
