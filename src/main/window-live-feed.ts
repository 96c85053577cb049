import { IPC_EVENTS } from '../shared/ipc-contract'
import type { LiveTopic, LiveTopics } from '../shared/live-events'
import type { LiveListener } from './core/live/local-viewers'
import type { WindowSender } from './ipc'

/**
 * One window's live feed: every live event of the hub, sent to the window over its IPC channel.
 * While the window hangs (`hung`), events are dropped, not queued without bound in this process;
 * once it responds again it is told `missed` (`slow`, with the reports it lost) before the next
 * event, and starts over from a fresh snapshot. Any dropped event counts, not only reports: a
 * device that went offline meanwhile must not stay online on the screen.
 */
export function windowLiveFeed(sender: WindowSender, hung: () => boolean): LiveListener {
  /** Reports lost while hung; null while nothing was. */
  let missed: number | null = null
  return <E extends LiveTopic>(event: E, payload: LiveTopics[E]): void => {
    if (sender.isDestroyed()) return
    if (hung()) {
      missed = (missed ?? 0) + reportsIn(event, payload)
      return
    }
    if (missed !== null) {
      sender.send(IPC_EVENTS.missed, { reports: missed, reason: 'slow' })
      missed = null
    }
    sender.send(IPC_EVENTS[event], payload)
  }
}

/** The reports an event carries or, for `missed` (overload), announces. */
function reportsIn<E extends LiveTopic>(event: E, payload: LiveTopics[E]): number {
  if (event === 'reports') return (payload as LiveTopics['reports']).length
  if (event === 'missed') return (payload as LiveTopics['missed']).reports
  return 0
}
