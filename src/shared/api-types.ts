/** Shapes served by the HTTP API on the web port (see docs/protocol.md). */

export interface DeviceSummary {
  id: string
  /** Identity of the device's most recent report. */
  identity: string
  firstSeen: number
  lastSeen: number
  /** Reports of this device currently kept in the store. */
  reports: number
}

export interface ApiErrorBody {
  error: string
  message: string
}

export interface HealthBody {
  ok: true
  version: string
  uptimeSeconds: number
}
