/**
 * The Socket.IO contract of `/live`: browsers and the desktop window watching the console. The
 * event maps are the generics of the server's namespace and of socket.io-client, so both sides
 * compile against the same names and payloads. docs/protocol.md is the prose version.
 */
import type { DeviceState, MessageAccepted } from './api-types'
import type { Envelope } from './envelope'
import type { StoredReport } from './ingest-protocol'

/** What a key lets its holder do: the operator changes state and sends; a viewer only reads. */
export type Role = 'operator' | 'viewer'

export const LIVE_NAMESPACE = '/live'

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
  /** The console's own counters at that second; on live samples, not on those of a snapshot. */
  console?: ConsoleCounters
}

export interface ConsoleCounters {
  /** Reports stored per second, over the last second. */
  reportsPerSecond: number
  /** Live viewers: browsers on `/live` and the desktop window. */
  viewers: number
}

/** Where the console is, as a viewer's header shows it. */
export interface ConsoleInfo {
  version: string
  /** Where devices connect (TCP). */
  ingest: { host: string; port: number }
  web: { host: string; port: number }
  /** The read-only remote-view URL, with the view key. */
  viewUrl: string
}

/** GET /api/reports and the desktop window's history query: newest first. */
export interface ReportQuery {
  device?: string
  /** Epoch milliseconds, inclusive. */
  since?: number
  until?: number
  limit?: number
}

/** POST /api/messages: to one push client (`to`, its uid) or, without `to`, to all. */
export interface SendMessageRequest {
  to?: string
  data: unknown
}

export type { MessageAccepted }

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

/** The first event on `/live`: the role the key grants, and where the console is. */
export interface LiveHello extends ConsoleInfo {
  role: Role
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

/** The live events, as both the browser's socket and the desktop window's IPC carry them. */
export type LiveEvents = Omit<LiveServerToClientEvents, 'hello'>

/** Everything a viewer starts from. */
export interface LiveSnapshot {
  devices: DeviceState[]
  clients: PushClientState[]
  /** The newest reports kept (up to 200), oldest first. */
  reports: StoredReport[]
  /** The last 10 minutes of host samples, oldest first. */
  metrics: HostMetrics[]
}

export interface LiveClientToServerEvents {
  /**
   * Asks for the snapshot again (after a `missed`): it comes in the acknowledgement. Live events
   * received before the answer are already in it; those after it follow it.
   */
  resync: (ack: (result: Envelope<LiveSnapshot>) => void) => void
}
