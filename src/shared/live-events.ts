/**
 * The Socket.IO contract of `/live`: browsers and the desktop window watching the console. The
 * event maps are the generics of the server's namespace and of socket.io-client, so both sides
 * compile against the same names and payloads. docs/protocol.md is the prose version.
 */
import type { Alarm, AlarmFlood } from './alarm-types'
import type { DeviceState, MessageAccepted } from './api-types'
import type { Envelope } from './envelope'
import type { StoredReport } from './ingest-protocol'
import type { SourceHealth } from './source-types'

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
  /** The transport: 'tcp' (the line protocol of docs/protocol.md), 'mqtt' (docs/sources.md). */
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

/** A topic's entry in LIVE_TOPICS: what it carries (a type only), and whether snapshots hold it. */
interface TopicEntry<Payload, InSnapshot extends boolean> {
  readonly inSnapshot: InSnapshot
  /** Never set: carries the payload's type. */
  readonly payload?: Payload
}

/**
 * The live topics: the one map that the `/live` events, the snapshot, the desktop window's IPC
 * channels (`IPC_EVENTS`, `live:<topic>`) and both bridges follow. Adding a topic is one entry
 * here plus its source in the console's live hub; until the hub's source and the
 * UI's handler exist, the code does not compile. Snapshot topics go to a new viewer in this order
 * (after `hello`).
 */
export const LIVE_TOPICS = {
  /** Every device in the snapshot, then only those that changed. */
  devices: { inSnapshot: true } as TopicEntry<DeviceState[], true>,
  /** Every push client in the snapshot, then only those that changed. */
  clients: { inSnapshot: true } as TopicEntry<PushClientState[], true>,
  /** Stored reports, oldest first; the snapshot's are the newest ones kept (up to 200). */
  reports: { inSnapshot: true } as TopicEntry<StoredReport[], true>,
  /** Host samples, oldest first: the last 10 minutes in the snapshot, then one a second. */
  metrics: { inSnapshot: true } as TopicEntry<HostMetrics[], true>,
  /**
   * Every alarm not `normal` in the snapshot, then those that changed (one turning `normal` is
   * sent once more, so a view can drop it).
   */
  alarms: { inSnapshot: true } as TopicEntry<Alarm[], true>,
  /** Whether the console is in an alarm flood: in the snapshot, then each time it changes. */
  alarmFlood: { inSnapshot: true } as TopicEntry<AlarmFlood, true>,
  /**
   * Every source's health (Modbus, OPC UA pollers), by id: the whole list in the snapshot and
   * each time it changes, at most about once a second (lastRead and reads/s move with every poll).
   */
  sources: { inSnapshot: true } as TopicEntry<SourceHealth[], true>,
  /** This viewer did not get some live events: about the feed itself, so in no snapshot. */
  missed: { inSnapshot: false } as TopicEntry<MissedNotice, false>
} as const

type TopicMap = typeof LIVE_TOPICS
export type LiveTopic = keyof TopicMap

/** What each live topic carries. */
export type LiveTopics = { [K in LiveTopic]: Exclude<TopicMap[K]['payload'], undefined> }

/** The topics a snapshot holds. */
export type SnapshotTopic = {
  [K in LiveTopic]: TopicMap[K] extends TopicEntry<unknown, true> ? K : never
}[LiveTopic]

/** The snapshot's topics, in the order a new viewer is sent them (after `hello`). */
export const SNAPSHOT_TOPICS = (Object.keys(LIVE_TOPICS) as LiveTopic[]).filter(
  (t) => LIVE_TOPICS[t].inSnapshot
) as readonly SnapshotTopic[]

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
