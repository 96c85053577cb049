/**
 * The Socket.IO contract of the web port: the `/live` namespace (browsers and the desktop window
 * watching the console) and the `/push` namespace (push clients). The event maps are the
 * generics of the server's namespaces and of socket.io-client, so both sides compile against
 * the same names and payloads. docs/protocol.md is the prose version.
 */
import type { DeviceState } from './api-types'
import type { Envelope } from './envelope'
import type { StoredReport } from './ingest-protocol'

/** What a key lets its holder do: the operator changes state and sends; a viewer only reads. */
export type Role = 'operator' | 'viewer'

export const LIVE_NAMESPACE = '/live'
export const PUSH_NAMESPACE = '/push'

export type { DeviceState }

/** One host sample, taken every second. */
export interface HostMetrics {
  time: number
  /** Load of each core, 0–100. */
  cpus: number[]
  /** Load of all cores together, 0–100. */
  cpu: number
  /** Bytes. */
  mem: { used: number; total: number }
}

/** A push client as the console shows it. The token is never sent in full. */
export interface PushClientState {
  uid: string
  name: string | null
  online: boolean
  /** When its current connection opened; null while offline. */
  connectedSince: number | null
  lastReceipt: { id: string; status: string; time: number } | null
  /** The first characters of its token, to tell clients apart. */
  tokenHint: string
}

export interface LiveHello {
  role: Role
  version: string
}

/** Sent to a viewer that did not get some live reports; its view is incomplete until it resyncs. */
export interface MissedNotice {
  reports: number
  /** `slow`: this viewer was not reading fast enough; `overload`: more arrived than a view can take. */
  reason: 'slow' | 'overload'
}

export interface LiveServerToClientEvents {
  /** First event after connecting: the role this connection's key grants. */
  hello: (hello: LiveHello) => void
  /** Stored reports, oldest first; the snapshot's are the newest ones kept (up to 200). */
  reports: (reports: StoredReport[]) => void
  /** Host samples, oldest first: the last 10 minutes in the snapshot, then one a second. */
  metrics: (samples: HostMetrics[]) => void
  /** Every device in the snapshot, then only those that changed. */
  devices: (devices: DeviceState[]) => void
  /** Every push client in the snapshot, then only those that changed. */
  clients: (clients: PushClientState[]) => void
  missed: (notice: MissedNotice) => void
}

export interface LiveClientToServerEvents {
  /** Asks for the whole snapshot again (after a `missed`); answered once it has been sent. */
  resync: (ack: (result: Envelope<null>) => void) => void
}

/** A message as a push client receives it. */
export interface PushMessage {
  id: string
  data: unknown
  broadcast: boolean
  time: number
}

export interface PushServerToClientEvents {
  /** Also sent after `register`, for clients that do not read the acknowledgement. */
  _register: (registered: { token: string }) => void
  /** A message; acknowledging the event marks it delivered. */
  message: (message: PushMessage, ack: (received?: unknown) => void) => void
}

export interface PushClientToServerEvents {
  register: (
    client: { uid: string; name?: string },
    ack?: (result: Envelope<{ token: string }>) => void
  ) => void
  /** The client's receipt for a message, e.g. `{ id, status: 'read' }`. */
  report: (receipt: { id: string; status: string }, ack?: (result: Envelope<null>) => void) => void
}
