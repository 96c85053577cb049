import type { ConsoleIpcApi, ConsoleStatus } from '../../../shared/ipc-contract'
import { SNAPSHOT_TOPICS, type LiveEvents, type SnapshotTopic } from '../../../shared/live-events'
import type { BridgeEvents, ConsoleBridge } from './console-bridge'

/**
 * The desktop window's bridge: the preload's `window.api`, over Electron IPC. The console runs
 * in the same app, so the link is either up or the console failed to start.
 */
export class IpcBridge implements ConsoleBridge {
  readonly kind = 'desktop'

  constructor(private readonly api: ConsoleIpcApi) {}

  connect(events: BridgeEvents): () => void {
    let closed = false
    // Live events are dropped while the window's feed is being (re)opened: the snapshot that
    // answers holds them, and the main process sends nothing of the new feed before it.
    let opening = false
    const live =
      <A>(deliver: (payload: A) => void) =>
      (payload: A): void => {
        if (!opening && !closed) deliver(payload)
      }

    // Only the newest open counts: a status that flaps must not let an older answer through.
    let generation = 0
    const open = async (): Promise<void> => {
      const mine = ++generation
      opening = true
      try {
        const snapshot = await this.api.openLive()
        if (closed || mine !== generation) return
        opening = false
        events.snapshot(snapshot)
        events.link({ state: 'live', since: Date.now() })
      } catch (error) {
        if (mine !== generation) return
        opening = false
        if (!closed) events.link({ state: 'failed', message: (error as Error).message })
      }
    }

    let running = false
    const onStatus = (status: ConsoleStatus): void => {
      // The status comes from both getStatus() and the 'status' event: act on changes only.
      if (closed || (running && status.state === 'running')) return
      running = status.state === 'running'
      if (status.state === 'starting') events.link({ state: 'connecting' })
      else if (status.state === 'failed')
        events.link({ state: 'failed', message: status.message, hint: status.hint })
      else {
        events.hello({ ...status.info, role: 'operator', local: true })
        void open()
      }
    }

    const topic = <T extends SnapshotTopic>(name: T): (() => void) => {
      const deliver: LiveEvents[T] = events[name]
      return this.api.on(name, live(deliver))
    }
    const offs = [
      this.api.on('status', onStatus),
      ...SNAPSHOT_TOPICS.map(topic),
      // `overload` reports were left out for every viewer and are in no snapshot: the screen
      // says so and the live events go on. `slow`: this window hung a while and was sent
      // nothing meanwhile; it starts over from a fresh snapshot.
      this.api.on(
        'missed',
        live((notice) => {
          events.missed(notice)
          if (notice.reason === 'slow') void open()
        })
      )
    ]
    events.link({ state: 'connecting' })
    void this.api
      .getStatus()
      .then(onStatus, (error: Error) => events.link({ state: 'failed', message: error.message }))
    return () => {
      closed = true
      for (const off of offs) off()
    }
  }

  queryReports: ConsoleBridge['queryReports'] = (query) => this.api.queryReports(query)
  series: ConsoleBridge['series'] = (query) => this.api.series(query)
  exportReports: ConsoleBridge['exportReports'] = (query, id) => this.api.exportReports(query, id)
  cancelExport: ConsoleBridge['cancelExport'] = (id) => this.api.cancelExport(id)
  onExportProgress: ConsoleBridge['onExportProgress'] = (listener) =>
    this.api.onExportProgress(listener)
  sendMessage: ConsoleBridge['sendMessage'] = (request) => this.api.sendMessage(request)
  messageStatus: ConsoleBridge['messageStatus'] = (id) => this.api.messageStatus(id)
  copyViewUrl: ConsoleBridge['copyViewUrl'] = () => this.api.copyViewUrl()
  copyText: ConsoleBridge['copyText'] = (text) => this.api.copyText(text)
  deviceTokens: ConsoleBridge['deviceTokens'] = () => this.api.deviceTokens()
  createDeviceToken: ConsoleBridge['createDeviceToken'] = (request) =>
    this.api.createDeviceToken(request)
  revokeDeviceToken: ConsoleBridge['revokeDeviceToken'] = (id) => this.api.revokeDeviceToken(id)
  setDeviceTokensRequired: ConsoleBridge['setDeviceTokensRequired'] = (required) =>
    this.api.setDeviceTokensRequired(required)
  alarms: ConsoleBridge['alarms'] = (query) => this.api.alarms(query)
  ackAlarm: ConsoleBridge['ackAlarm'] = (id, request) => this.api.ackAlarm(id, request)
  shelveAlarm: ConsoleBridge['shelveAlarm'] = (id, request) => this.api.shelveAlarm(id, request)
  unshelveAlarm: ConsoleBridge['unshelveAlarm'] = (id) => this.api.unshelveAlarm(id)
  silenceAlarm: ConsoleBridge['silenceAlarm'] = (id) => this.api.silenceAlarm(id)
  setDeviceMaintenance: ConsoleBridge['setDeviceMaintenance'] = (device, request) =>
    this.api.setDeviceMaintenance(device, request)
  alarmRules: ConsoleBridge['alarmRules'] = (query) => this.api.alarmRules(query)
  createAlarmRule: ConsoleBridge['createAlarmRule'] = (rule) => this.api.createAlarmRule(rule)
  updateAlarmRule: ConsoleBridge['updateAlarmRule'] = (id, rule) =>
    this.api.updateAlarmRule(id, rule)
  deleteAlarmRule: ConsoleBridge['deleteAlarmRule'] = (id) => this.api.deleteAlarmRule(id)
  previewAlarmRule: ConsoleBridge['previewAlarmRule'] = (rule) => this.api.previewAlarmRule(rule)
  alarmEvents: ConsoleBridge['alarmEvents'] = (query) => this.api.alarmEvents(query)
  exportAlarmEvents: ConsoleBridge['exportAlarmEvents'] = (query, id) =>
    this.api.exportAlarmEvents(query, id)
  alarmStats: ConsoleBridge['alarmStats'] = () => this.api.alarmStats()
  sources: ConsoleBridge['sources'] = () => this.api.sources()
  createSource: ConsoleBridge['createSource'] = (config) => this.api.createSource(config)
  updateSource: ConsoleBridge['updateSource'] = (id, config) => this.api.updateSource(id, config)
  deleteSource: ConsoleBridge['deleteSource'] = (id) => this.api.deleteSource(id)
}
