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

/** One way in for devices' reports: a transport and where it takes them. */
export interface IngestEndpoint {
  /** The transport: 'tcp' (the line protocol of docs/protocol.md); others to come, e.g. 'mqtt'. */
  protocol: string
  host: string
  port: number
}

/** Where the console is, as a viewer's header shows it. */
export interface ConsoleInfo {
  version: string
  /** Where devices report: one entry per transport, TCP first. */
  ingest: IngestEndpoint[]
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

/**
 * The live topics and what each carries: the one map that the `/live` events, the snapshot, the
 * desktop window's IPC channels (`IPC_EVENTS`) and both bridges follow. Adding a topic (`alarms`
 * next) is an entry here and in SNAPSHOT_TOPICS, plus its source in the console's live hub;
 * until the IPC channel, the hub's source and the UI's handler exist, the code does not compile.
 */
export interface LiveTopics {
  /** Every device in the snapshot, then only those that changed. */
  devices: DeviceState[]
  /** Every push client in the snapshot, then only those that changed. */
  clients: PushClientState[]
  /** Stored reports, oldest first; the snapshot's are the newest ones kept (up to 200). */
  reports: StoredReport[]
  /** Host samples, oldest first: the last 10 minutes in the snapshot, then one a second. */
  metrics: HostMetrics[]
  /** This viewer did not get some live events: about the feed itself, so in no snapshot. */
  missed: MissedNotice
}

export type LiveTopic = keyof LiveTopics

/** The topics a snapshot holds: every one but `missed`. */
export type SnapshotTopic = Exclude<LiveTopic, 'missed'>

/** The snapshot's topics, in the order a new viewer is sent them (after `hello`). */
export const SNAPSHOT_TOPICS = [
  'devices',
  'clients',
  'reports',
  'metrics'
] as const satisfies readonly SnapshotTopic[]

/** Does not compile while a snapshot topic is missing from SNAPSHOT_TOPICS. */
export type EverySnapshotTopicListed = Expect<
  [Exclude<SnapshotTopic, (typeof SNAPSHOT_TOPICS)[number]>] extends [never] ? true : false
>
type Expect<T extends true> = T

/** Everything a viewer starts from: one value per snapshot topic. */
export type LiveSnapshot = Pick<LiveTopics, SnapshotTopic>

/** The live events, one per topic, as both the browser's socket and the window's IPC carry them. */
export type LiveEvents = { [K in keyof LiveTopics]: (payload: LiveTopics[K]) => void }

export interface LiveServerToClientEvents extends LiveEvents {
  /** First event after connecting: the role this connection's key grants. */
  hello: (hello: LiveHello) => void
}

/** The least time between two resyncs of one viewer; one sooner is answered `too_soon`. */
export const RESYNC_INTERVAL_MS = 1000

export interface LiveClientToServerEvents {
  /**
   * Asks for the snapshot again (after a `missed`): it comes in the acknowledgement. Live events
   * received before the answer are already in it; those after it follow it.
   */
  resync: (ack: (result: Envelope<LiveSnapshot>) => void) => void
}
