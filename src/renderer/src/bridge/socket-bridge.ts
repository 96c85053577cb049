import { io, type Socket } from 'socket.io-client'

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
} from '../../../shared/alarm-types'
import type {
  ApiErrorBody,
  CreateDeviceTokenRequest,
  CreatedDeviceToken,
  DeviceTokenSettings,
  MessageAccepted,
  MessageStatus
} from '../../../shared/api-types'
import type { Envelope } from '../../../shared/envelope'
import type {
  ExportOutcome,
  ExportProgress,
  ExportQuery,
  SeriesBody,
  SeriesQuery
} from '../../../shared/history-types'
import type { StoredReport } from '../../../shared/ingest-protocol'
import { isHandshakeRefusal } from '../../../shared/handshake-refusal'
import {
  LIVE_NAMESPACE,
  RESYNC_INTERVAL_MS,
  SNAPSHOT_TOPICS,
  type LiveClientToServerEvents,
  type LiveServerToClientEvents,
  type LiveEvents,
  type LiveSnapshot,
  type LiveTopics,
  type ReportQuery,
  type SendMessageRequest,
  type SnapshotTopic
} from '../../../shared/live-events'
import type { SourceConfig, SourceStatus } from '../../../shared/source-types'
import { downloadFile } from './browser-download'
import { BridgeError, type BridgeEvents, type ConsoleBridge } from './console-bridge'

type LiveSocket = Socket<LiveServerToClientEvents, LiveClientToServerEvents>

/** The console's spacing of resyncs, and a margin for the two clocks' and the network's drift. */
const RESYNC_SPACING_MS = RESYNC_INTERVAL_MS + 100

/**
 * A remote browser's bridge: `/live` over Socket.IO for the live view, the HTTP API for history
 * and sending, both with the key the page was opened with.
 *
 * After every (re)connect the console sends `hello` and then the snapshot as its first
 * `devices`, `clients`, `reports` and `metrics` events; they are gathered and handed on as one
 * snapshot before any live event, so the screen never mixes a stale view with fresh updates.
 */
export class SocketBridge implements ConsoleBridge {
  readonly kind = 'browser'
  private viewUrl = ''
  private readonly exports = new Map<string, AbortController>()
  private readonly exportListeners = new Set<(progress: ExportProgress) => void>()
  private exportCount = 0

  constructor(
    private readonly origin: string,
    private readonly key: string
  ) {}

  connect(events: BridgeEvents): () => void {
    const socket: LiveSocket = io(this.origin + LIVE_NAMESPACE, {
      auth: { key: this.key },
      // WebSocket straight away on a LAN (no polling first, no upgrade); long-polling only where
      // a proxy will not pass WebSockets.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000
    })
    let gathering: Partial<LiveSnapshot> | null = null
    let lastResync = 0
    let resyncTimer: ReturnType<typeof setTimeout> | null = null
    let lostSince = 0
    let reconnectTimer: ReturnType<typeof setTimeout> | null = null

    socket.on('hello', (hello) => {
      this.viewUrl = hello.viewUrl
      gathering = {}
      events.hello({ ...hello, local: false })
    })
    // The first event of each topic after `hello` is the snapshot's; live events follow it.
    const topic = <K extends SnapshotTopic>(name: K): void => {
      const deliver: LiveEvents[K] = events[name]
      const listener = (payload: LiveTopics[K]): void => {
        if (gathering === null) {
          deliver(payload)
          return
        }
        gathering[name] = payload
        if (SNAPSHOT_TOPICS.every((t) => gathering?.[t] !== undefined)) {
          const snapshot = gathering as LiveSnapshot
          gathering = null
          events.snapshot(snapshot)
          events.link({ state: 'live', since: Date.now() })
        }
      }
      ;(socket.on as (event: K, listener: (payload: LiveTopics[K]) => void) => unknown)(
        name,
        listener
      )
    }
    for (const name of SNAPSHOT_TOPICS) topic(name)

    const resync = (): void => {
      if (resyncTimer !== null) return
      const wait = Math.max(0, lastResync + RESYNC_SPACING_MS - Date.now())
      resyncTimer = setTimeout(() => {
        resyncTimer = null
        lastResync = Date.now()
        socket
          .timeout(10_000)
          .emit('resync', (error: Error | null, result?: Envelope<LiveSnapshot>) => {
            if (error === null && result?.ok) events.snapshot(result.data)
            else if (socket.connected) resync() // try again; a reconnect brings a snapshot anyway
          })
      }, wait)
    }
    socket.on('missed', (notice) => {
      events.missed(notice)
      // A slow link lost reports the others got: the snapshot has the newest of them. Overload
      // reports were left out for everyone and are in no snapshot: nothing to fetch.
      if (notice.reason === 'slow') resync()
    })

    socket.on('connect_error', (error) => {
      const message = error.message
      // The code says what the refusal means; the message is only shown.
      const refusal = isHandshakeRefusal(error.data) ? error.data : null
      if (refusal?.code === 'wrong_key' || refusal?.code === 'no_key') {
        socket.disconnect() // retrying with the same key cannot help
        events.link({ state: 'refused', reason: refusal.code, message })
      } else if (refusal?.code === 'too_many_attempts') {
        // Other keys' failures (a guesser behind the same NAT, a mistyped key) closed the door
        // for a while: keep this key and knock again when it opens.
        const wait = retryAfterSeconds(refusal.retryAfter)
        events.link({ state: 'throttled', retryAt: Date.now() + wait * 1000, message })
        if (reconnectTimer !== null) clearTimeout(reconnectTimer)
        reconnectTimer = setTimeout(() => socket.connect(), wait * 1000)
      } else {
        if (lostSince === 0) lostSince = Date.now()
        events.link({ state: 'reconnecting', since: lostSince, message })
        // A refusal by the console's middleware (starting, full) is not retried by Socket.IO
        // itself; a lost network is (the socket stays active).
        if (!socket.active) reconnectTimer = setTimeout(() => socket.connect(), 2000)
      }
    })
    socket.on('connect', () => {
      lostSince = 0
    })
    socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return
      gathering = null
      lostSince = Date.now()
      events.link({ state: 'reconnecting', since: lostSince, message: reason })
      // Socket.IO retries by itself after a lost transport, but not when the console closed
      // the session (e.g. while it restarts): the screen must not stay down, so retry here.
      if (reason === 'io server disconnect')
        reconnectTimer = setTimeout(() => socket.connect(), 1000)
    })

    events.link({ state: 'connecting' })
    return () => {
      if (resyncTimer !== null) clearTimeout(resyncTimer)
      if (reconnectTimer !== null) clearTimeout(reconnectTimer)
      socket.disconnect()
    }
  }

  queryReports(query: ReportQuery): Promise<StoredReport[]> {
    return this.request<StoredReport[]>(`/api/reports${queryString(query)}`)
  }

  /** `GET /api/series`, each field as its own `field=` parameter. */
  series(query: SeriesQuery): Promise<SeriesBody> {
    const { fields, ...rest } = query
    const params = new URLSearchParams(queryString(rest).slice(1))
    for (const field of fields) params.append('field', field)
    return this.request<SeriesBody>(`/api/series?${params.toString()}`)
  }

  /** `GET /api/export`, saved as a download; its progress counted from the body as it comes. */
  exportReports(query: ExportQuery, id?: string): Promise<ExportOutcome> {
    const { fields, ...rest } = query
    const params = new URLSearchParams(queryString(rest).slice(1))
    for (const field of fields ?? []) params.append('field', field)
    return this.download(`/api/export?${params.toString()}`, id, query.format === 'csv')
  }

  /** `GET /api/alarm-events?format=csv`, saved as a download. */
  exportAlarmEvents(query: AlarmEventQuery, id?: string): Promise<ExportOutcome> {
    return this.download(`/api/alarm-events${queryString({ ...query, format: 'csv' })}`, id, true)
  }

  private async download(
    path: string,
    id: string | undefined,
    csv: boolean
  ): Promise<ExportOutcome> {
    const exportId = id ?? `export-${++this.exportCount}`
    const abort = new AbortController()
    this.exports.set(exportId, abort)
    try {
      return await downloadFile({
        url: this.origin + path,
        key: this.key,
        id: exportId,
        headerLines: csv ? 1 : 0,
        csv,
        signal: abort.signal,
        onProgress: (progress) => {
          for (const listener of this.exportListeners) listener(progress)
        }
      })
    } finally {
      this.exports.delete(exportId)
    }
  }

  async cancelExport(id: string): Promise<void> {
    this.exports.get(id)?.abort()
  }

  onExportProgress(listener: (progress: ExportProgress) => void): () => void {
    this.exportListeners.add(listener)
    return () => void this.exportListeners.delete(listener)
  }

  sendMessage(request: SendMessageRequest): Promise<MessageAccepted> {
    return this.request<MessageAccepted>('/api/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request)
    })
  }

  messageStatus(id: string): Promise<MessageStatus> {
    return this.request<MessageStatus>(`/api/messages/${encodeURIComponent(id)}`)
  }

  async copyViewUrl(): Promise<void> {
    await copyText(this.viewUrl)
  }

  copyText(text: string): Promise<void> {
    return copyText(text)
  }

  deviceTokens(): Promise<DeviceTokenSettings> {
    return this.request<DeviceTokenSettings>('/api/device-tokens')
  }

  createDeviceToken(request: CreateDeviceTokenRequest): Promise<CreatedDeviceToken> {
    return this.request<CreatedDeviceToken>('/api/device-tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request)
    })
  }

  revokeDeviceToken(id: string): Promise<DeviceTokenSettings> {
    return this.request<DeviceTokenSettings>(`/api/device-tokens/${encodeURIComponent(id)}`, {
      method: 'DELETE'
    })
  }

  setDeviceTokensRequired(required: boolean): Promise<DeviceTokenSettings> {
    return this.request<DeviceTokenSettings>('/api/device-tokens/required', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ required })
    })
  }

  alarms(query: AlarmQuery): Promise<Alarm[]> {
    return this.request<Alarm[]>(`/api/alarms${queryString(query)}`)
  }

  ackAlarm(id: string, request: AckRequest): Promise<Alarm> {
    return this.send<Alarm>('POST', `/api/alarms/${encodeURIComponent(id)}/ack`, request)
  }

  shelveAlarm(id: string, request: ShelveRequest): Promise<Alarm> {
    return this.send<Alarm>('POST', `/api/alarms/${encodeURIComponent(id)}/shelve`, request)
  }

  unshelveAlarm(id: string): Promise<Alarm> {
    return this.send<Alarm>('POST', `/api/alarms/${encodeURIComponent(id)}/unshelve`, {})
  }

  silenceAlarm(id: string): Promise<Alarm> {
    return this.send<Alarm>('POST', `/api/alarms/${encodeURIComponent(id)}/silence`, {})
  }

  setDeviceMaintenance(device: string, request: MaintenanceRequest): Promise<DeviceMaintenance> {
    return this.send<DeviceMaintenance>(
      'POST',
      `/api/devices/${encodeURIComponent(device)}/maintenance`,
      request
    )
  }

  alarmRules(query: AlarmRuleQuery = {}): Promise<AlarmRuleInfo[]> {
    return this.request<AlarmRuleInfo[]>(`/api/alarm-rules${queryString(query)}`)
  }

  createAlarmRule(rule: Omit<AlarmRule, 'id'> & { id?: string }): Promise<AlarmRuleInfo> {
    return this.send<AlarmRuleInfo>('POST', '/api/alarm-rules', rule)
  }

  updateAlarmRule(id: string, rule: AlarmRule): Promise<AlarmRuleInfo> {
    return this.send<AlarmRuleInfo>('PUT', `/api/alarm-rules/${encodeURIComponent(id)}`, rule)
  }

  async deleteAlarmRule(id: string): Promise<void> {
    await this.request<unknown>(`/api/alarm-rules/${encodeURIComponent(id)}`, {
      method: 'DELETE'
    })
  }

  previewAlarmRule(rule: Omit<AlarmRule, 'id'> & { id?: string }): Promise<AlarmRulePreview> {
    return this.send<AlarmRulePreview>('POST', '/api/alarm-rules/preview', rule)
  }

  alarmEvents(query: AlarmEventQuery): Promise<AlarmEvent[]> {
    return this.request<AlarmEvent[]>(`/api/alarm-events${queryString(query)}`)
  }

  alarmStats(): Promise<AlarmStats> {
    return this.request<AlarmStats>('/api/alarms/stats')
  }

  sources(): Promise<SourceStatus[]> {
    return this.request<SourceStatus[]>('/api/sources')
  }

  createSource(config: SourceConfig): Promise<SourceStatus> {
    return this.send<SourceStatus>('POST', '/api/sources', config)
  }

  updateSource(id: string, config: SourceConfig): Promise<SourceStatus> {
    return this.send<SourceStatus>('PUT', `/api/sources/${encodeURIComponent(id)}`, config)
  }

  async deleteSource(id: string): Promise<void> {
    await this.request<unknown>(`/api/sources/${encodeURIComponent(id)}`, { method: 'DELETE' })
  }

  /** A request with a JSON body. */
  private send<T>(method: 'POST' | 'PUT', path: string, body: unknown): Promise<T> {
    return this.request<T>(path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body)
    })
  }

  private async request<T>(path: string, init: RequestInit = {}): Promise<T> {
    let response: Response
    try {
      response = await fetch(this.origin + path, {
        ...init,
        headers: { ...init.headers, authorization: `Bearer ${this.key}` }
      })
    } catch {
      throw new BridgeError('unreachable', 'the console cannot be reached')
    }
    const body = (await response.json().catch(() => null)) as unknown
    if (!response.ok) {
      const error = body as Partial<ApiErrorBody> | null
      throw new BridgeError(
        error?.error ?? `http_${response.status}`,
        error?.message ?? `the console answered ${response.status}`
      )
    }
    return body as T
  }
}

/** `?name=value&…` of the query's given fields; empty when none is given. */
function queryString(query: object): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query))
    if (value !== undefined) params.set(name, String(value))
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}

/** How long a throttled handshake is told to wait (`data.retryAfter`, else 10 s), up to an hour. */
function retryAfterSeconds(given: unknown): number {
  if (typeof given === 'number' && Number.isFinite(given) && given > 0) return Math.min(given, 3600)
  return 10
}

/**
 * The Clipboard API needs a secure context, which a console on the LAN over plain HTTP is not;
 * there the older copy command still works from a click.
 */
async function copyText(text: string): Promise<void> {
  if (window.isSecureContext && navigator.clipboard !== undefined) {
    await navigator.clipboard.writeText(text)
    return
  }
  const area = document.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  area.className = 'offscreen'
  document.body.append(area)
  area.select()
  const copied = document.execCommand('copy')
  area.remove()
  if (!copied) throw new BridgeError('clipboard', 'the browser did not allow copying')
}
