/** Shapes served by the HTTP API on the web port (see docs/protocol.md). */

import type { ErrorCode } from './error-codes'

export interface DeviceSummary {
  id: string
  /** Identity of the device's most recent report. */
  identity: string
  firstSeen: number
  lastSeen: number
  /** Reports of this device currently kept in the store. */
  reports: number
}

/** GET /api/devices: a device with its live state. */
export interface DeviceState extends DeviceSummary {
  online: boolean
  /** Reports received in the last 60 seconds. */
  reportsPerMinute: number
}

/** GET /api/devices?limit=&after=: one page of devices in id order. */
export interface DevicePage {
  devices: DeviceState[]
  /** Devices known in all. */
  total: number
  /** The `after` of the next page; null on the last. */
  next: string | null
}

/** A device's online/offline transition, as GET /api/devices/:id/events lists them. */
export interface DeviceEvent {
  device: string
  online: boolean
  time: number
}

export interface ApiErrorBody {
  error: ErrorCode
  message: string
}

export interface HealthBody {
  ok: true
  version: string
  uptimeSeconds: number
}

/** Where a message stands for one recipient. */
export type DeliveryState = 'queued' | 'sent' | 'delivered' | 'expired' | 'dropped'

export interface RecipientDelivery {
  uid: string
  state: DeliveryState
  sentAt: number | null
  /** When the client acknowledged the `message` event. */
  deliveredAt: number | null
  /** The client's own report on the message (`report` event), if any. */
  receipt: { status: string; time: number } | null
}

/** GET /api/messages/:id */
export interface MessageStatus {
  id: string
  broadcast: boolean
  time: number
  /** Until when a queued copy waits for an offline client. */
  expiresAt: number
  recipients: RecipientDelivery[]
}

/** POST /api/messages answers 202 with this. */
export interface MessageAccepted {
  id: string
  recipients: string[]
}

/** GET /api/diagnostics (access key): the console process's own health, for soak runs and operators. */
export interface DiagnosticsBody {
  uptimeSeconds: number
  /** Bytes. */
  memory: { rss: number; heapUsed: number; external: number }
  /** Event-loop delay over the last full minute (since the start, in the first), ms. */
  eventLoopDelayMs: { p50: number; p99: number; max: number }
  /**
   * Share of that minute the event loop was busy, 0–1; null where Node does not measure it
   * (Electron's main process, where Chromium's message loop drives Node's).
   */
  eventLoopUtilization: number | null
  /**
   * How live batches are paced now: at most one per `intervalMs`; `underLoad` once the smoothed
   * event-loop `load` (0–1) the pacing reads reached 0.7, until it falls below 0.5.
   */
  live: { underLoad: boolean; intervalMs: number; load: number }
  /** Open handles by kind (sockets, timers, files…), as Node counts them. */
  handles: Record<string, number>
  /** `streams`: `/stream` connections past their key. */
  connections: { ingest: number; viewers: number; pushClients: number; streams: number }
  /**
   * `/stream`: the streams reading the store (they asked for the past, or their reader fell
   * behind), and the bytes sent that their readers have not taken yet, in all (each stream holds
   * about 1 MiB at most: past that it reads the store at its reader's pace instead).
   */
  streams: { catchingUp: number; queuedBytes: number }
  store: { reports: number; partitions: number; bytesOnDisk: number }
  /**
   * The alarm engine: rules in force, alarms held (not normal, or a delay running), reports a
   * rule could not evaluate (a missing field, a string where a number was expected), alarms not
   * raised because `--max-alarms` were held, and why the rules file was last refused (or null).
   */
  alarms: {
    rules: number
    held: number
    notEvaluated: number
    refusedForLimit: number
    rulesFileError: string | null
  }
  /**
   * The sources (Modbus, OPC UA pollers): how many, how many in each state, and why the sources
   * file was last refused (or null).
   */
  sources?: {
    total: number
    states: { connected: number; connecting: number; error: number }
    fileError: string | null
  }
}

/** A device token created in the console. The token itself is shown once, at creation. */
export interface DeviceTokenInfo {
  id: string
  identity: string
  /** Patterns of the device ids it may report as; null: any. */
  devices: string[] | null
  /** Its first characters, to tell tokens apart. */
  hint: string
  createdAt: number
}

/** GET /api/device-tokens: whether devices need a token, and the tokens made in the console. */
export interface DeviceTokenSettings {
  /** Every report needs a valid token (set here, or by a tokens file). */
  required: boolean
  /** A tokens file (`--device-tokens`) is in force: token mode cannot be turned off here. */
  fromFile: boolean
  tokens: DeviceTokenInfo[]
}

/** POST /api/device-tokens */
export interface CreateDeviceTokenRequest {
  identity: string
  devices?: string[]
}

export interface CreatedDeviceToken {
  /** The token, in full: shown this once, stored only as a digest. */
  token: string
  info: DeviceTokenInfo
}
