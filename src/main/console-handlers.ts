import type { ConsoleStatus } from '../shared/ipc-contract'
import type { ConsoleOperations } from './core/console-operations'
import { notRunning, OperationError } from './core/operations/operation-error'
import type { ConsoleHandlers, WindowSender } from './ipc'
import { WindowExports } from './window-exports'
import { windowLiveFeed } from './window-live-feed'

export interface ConsoleHandlerDeps {
  operations: Pick<
    ConsoleOperations,
    | 'info'
    | 'subscribeLive'
    | 'queryReports'
    | 'series'
    | 'exportReports'
    | 'sendMessage'
    | 'messageStatus'
    | 'deviceTokens'
    | 'createDeviceToken'
    | 'revokeDeviceToken'
    | 'setDeviceTokensRequired'
    | 'alarms'
    | 'sources'
  >
  status: () => ConsoleStatus
  clipboard: { writeText(text: string): void }
  /**
   * True while a window does not respond (Electron's 'unresponsive'): its events are dropped
   * and counted instead of queueing without bound in this process, and once it responds again
   * it is told what it missed (`slow`) and fetches a fresh snapshot.
   */
  unresponsive?: (senderId: number) => boolean
  /**
   * Where to save an export (Electron's save dialog in src/main/index.ts): the path chosen,
   * or null when the operator closed the dialog. Without it the window cannot export.
   */
  chooseSavePath?: (defaultName: string) => Promise<string | null>
}

/**
 * The desktop window's requests, each mapped to the console's operation of the same name. This
 * is the adapter between the core and Electron (as Fiddle's is between fiddle-core and its
 * windows); it never imports Electron itself, so it is tested against the real core with a typed
 * fake of the window.
 */
export function createConsoleHandlers(deps: ConsoleHandlerDeps): ConsoleHandlers {
  const feeds = new Map<number, () => void>()
  const exports = new WindowExports({
    chooseSavePath:
      deps.chooseSavePath ??
      (() => Promise.reject(new OperationError('unavailable', 'this window cannot save files')))
  })

  return {
    getStatus: async () => deps.status(),

    // The window says it is listening by asking for its snapshot: events go to it only from
    // then on (Fiddle's ready signal), and a reloaded window asks again and starts over.
    openLive: async (sender) => {
      feeds.get(sender.id)?.()
      const { snapshot, unsubscribe } = deps.operations.subscribeLive(
        windowLiveFeed(sender, () => deps.unresponsive?.(sender.id) ?? false)
      )
      if (!feeds.has(sender.id)) sender.once('destroyed', () => closeFeed(sender))
      feeds.set(sender.id, unsubscribe)
      return snapshot
    },

    // Each request is its operation, validated there: the renderer is trusted no more than the
    // network, and an operation before start or after stop answers `not_running`.
    queryReports: async (_sender, query) => deps.operations.queryReports(query),
    series: async (_sender, query) => deps.operations.series(query),
    exportReports: (sender, query, id) =>
      exports.run(sender, id, () => deps.operations.exportReports(query)),
    exportAlarmEvents: (sender, query, id) =>
      exports.run(sender, id, () => ({
        ...deps.operations.alarms.exportEvents({ ...(query as object), format: 'csv' }),
        // The trail's length is not known before it is read: no share to show.
        progress: () => ({ reports: 0, fraction: 0 })
      })),
    cancelExport: async (_sender, id) => exports.cancel(id),
    sendMessage: async (_sender, request) => deps.operations.sendMessage(request),
    messageStatus: async (_sender, id) => deps.operations.messageStatus(id),

    deviceTokens: async () => deps.operations.deviceTokens(),
    createDeviceToken: async (_sender, request) => deps.operations.createDeviceToken(request),
    revokeDeviceToken: async (_sender, id) => deps.operations.revokeDeviceToken(id),
    setDeviceTokensRequired: async (_sender, required) =>
      deps.operations.setDeviceTokensRequired({ required }),

    // The window is the operator's (it holds the access key's powers), as `console` in the audit.
    alarms: async (_sender, query) => deps.operations.alarms.list(query),
    ackAlarm: async (_sender, id, request) => deps.operations.alarms.ack(id, request, 'console'),
    shelveAlarm: async (_sender, id, request) =>
      deps.operations.alarms.shelve(id, request, 'console'),
    unshelveAlarm: async (_sender, id) => deps.operations.alarms.unshelve(id, {}, 'console'),
    silenceAlarm: async (_sender, id) => deps.operations.alarms.silence(id, {}, 'console'),
    setDeviceMaintenance: async (_sender, device, request) =>
      deps.operations.alarms.maintenance(device, request, 'console'),
    alarmRules: async (_sender, query) => deps.operations.alarms.rules(query),
    createAlarmRule: async (_sender, rule) => deps.operations.alarms.createRule(rule, 'console'),
    updateAlarmRule: async (_sender, id, rule) =>
      deps.operations.alarms.updateRule(id, rule, 'console'),
    deleteAlarmRule: async (_sender, id) => deps.operations.alarms.deleteRule(id, 'console'),
    previewAlarmRule: async (_sender, rule) => deps.operations.alarms.preview(rule),
    alarmEvents: async (_sender, query) => deps.operations.alarms.events(query),
    alarmStats: async () => deps.operations.alarms.stats(),
    sources: async () => deps.operations.sources.list(),
    createSource: async (_sender, config) => deps.operations.sources.create(config),
    updateSource: async (_sender, id, config) => deps.operations.sources.update(id, config),
    deleteSource: async (_sender, id) => deps.operations.sources.remove(id),

    copyText: async (_sender, text) => {
      if (typeof text !== 'string' || text.length > 4096)
        throw new OperationError('bad_request', 'text: must be a string of at most 4096 characters')
      deps.clipboard.writeText(text)
    },

    copyViewUrl: async () => {
      if (deps.status().state !== 'running') throw notRunning()
      deps.clipboard.writeText(deps.operations.info().viewUrl)
    }
  }

  function closeFeed(sender: WindowSender): void {
    feeds.get(sender.id)?.()
    feeds.delete(sender.id)
  }
}
