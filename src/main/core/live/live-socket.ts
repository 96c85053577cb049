import type { Namespace, Socket } from 'socket.io'

import type {
  ConsoleInfo,
  LiveClientToServerEvents,
  LiveServerToClientEvents,
  Role
} from '../../../shared/live-events'

/** The `/live` namespace, typed by the contract's event maps. */
export type LiveNamespace = Namespace<
  LiveClientToServerEvents,
  LiveServerToClientEvents,
  object,
  LiveSocketData
>
export type LiveSocket = Socket<
  LiveClientToServerEvents,
  LiveServerToClientEvents,
  object,
  LiveSocketData
>

export interface LiveSocketData {
  role: Role
  /** Where the console is, read when the viewer was let in. */
  info: ConsoleInfo
  lastResync?: number
}
