import type { ConsoleStatus } from '../shared/ipc-contract'
import { IPC_EVENTS } from '../shared/ipc-contract'
import type { LookoutConsole } from './core/console'
import { RequestError } from './core/operations/request-error'
import type { ConsoleHandlers, WindowSender } from './ipc'

export interface ConsoleHandlerDeps {
  core: Pick<
    LookoutConsole,
    | 'info'
    | 'subscribeLive'
    | 'queryReports'
    | 'sendMessage'
    | 'messageStatus'
    | 'deviceTokens'
    | 'createDeviceToken'
    | 'revokeDeviceToken'
    | 'setDeviceTokensRequired'
  >
  status: () => ConsoleStatus
  clipboard: { writeText(text: string): void }
  /**
   * True while a window does not respond (Electron's 'unresponsive'): its events are dropped
   * and counted instead of queueing without bound in this process, and once it responds again
   * it is told what it missed (`slow`) and fetches a fresh snapshot.
   */
  unresponsive?: (senderId: number) => boolean
}

/**
 * The desktop window's requests, answered by the console core. This is the adapter between the
 * core and Electron (as Fiddle's is between fiddle-core and its windows); it never imports
 * Electron itself, so it is tested against the real core with a typed fake of the window.
 */
export function createConsoleHandlers(deps: ConsoleHandlerDeps): ConsoleHandlers {
  const feeds = new Map<number, () => void>()

  return {
    getStatus: async () => deps.status(),

    // The window says it is listening by asking for its snapshot: events go to it only from
    // then on (Fiddle's ready signal), and a reloaded window asks again and starts over.
    openLive: async (sender) => {
      feeds.get(sender.id)?.()
      let missed = 0
      const { snapshot, unsubscribe } = deps.core.subscribeLive((event, payload) => {
        if (sender.isDestroyed()) return
        if (deps.unresponsive?.(sender.id)) {
          if (event === 'reports') missed += (payload as unknown[]).length
          return
        }
        if (missed > 0) {
          sender.send(IPC_EVENTS.missed, { reports: missed, reason: 'slow' })
          missed = 0
        }
        sender.send(IPC_EVENTS[event], payload)
      })
      if (!feeds.has(sender.id)) sender.once('destroyed', () => closeFeed(sender))
      feeds.set(sender.id, unsubscribe)
      return snapshot
    },

    queryReports: async (_sender, query) => deps.core.queryReports(query),
    sendMessage: async (_sender, request) => deps.core.sendMessage(request),
    messageStatus: async (_sender, id) => deps.core.messageStatus(id),

    deviceTokens: async () => deps.core.deviceTokens(),
    createDeviceToken: async (_sender, request) => deps.core.createDeviceToken(request),
    revokeDeviceToken: async (_sender, id) => deps.core.revokeDeviceToken(id),
    setDeviceTokensRequired: async (_sender, required) =>
      deps.core.setDeviceTokensRequired({ required }),

    copyText: async (_sender, text) => {
      if (typeof text !== 'string' || text.length > 4096)
        throw new RequestError('bad_request', 'text: must be a string of at most 4096 characters')
      deps.clipboard.writeText(text)
    },

    copyViewUrl: async () => {
      if (deps.status().state !== 'running')
        throw new RequestError('not_running', 'the console is not running')
      deps.clipboard.writeText(deps.core.info().viewUrl)
    }
  }

  function closeFeed(sender: WindowSender): void {
    feeds.get(sender.id)?.()
    feeds.delete(sender.id)
  }
}
