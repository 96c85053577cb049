/**
 * The IPC messages between the benchmark orchestrator (bench/run.ts) and its load processes
 * (bench/load-client.ts). Types only.
 */

/** `acked`: every report carries `seq` and waits for its ack. `fire`: no `seq`, no replies. */
export type LoadMode = 'acked' | 'fire'

export interface LoadPlan {
  host: string
  port: number
  mode: LoadMode
  /**
   * Devices are named `<devicePrefix><firstDevice + i>`, one per connection; with
   * `devicesPerConnection` D > 1, connection i takes turns, report by report, among devices
   * `(firstDevice + i) × D` to `(firstDevice + i) × D + D − 1`.
   */
  devicePrefix: string
  firstDevice: number
  connections: number
  /** Devices each connection reports as, in turn (default 1). */
  devicesPerConnection?: number
  /** Stop sending this long after `go`; 0 for no time limit (then `reportsPerConnection` ends it). */
  durationMs: number
  reportsPerConnection: number
  /** Reports sent but not yet answered, per connection (acked mode). */
  window: number
  /** Length of one report line, newline excluded. */
  reportBytes: number
  /** After sending stops, how long to wait for the acks still owed. */
  settleMs: number
  /** Hard limit on the whole process; it exits by itself once this has passed. */
  maxMs: number
}

export interface LoadResult {
  sent: number
  acked: number
  /** Acks received before the `durationMs` deadline. */
  ackedInWindow: number
  /** Error replies; the first one is kept as an example. */
  errors: number
  firstError?: string
  /** Epoch ms at which the first ack of any connection arrived. */
  firstAckAt?: number
  /** From `go` to the last connection stopping to send, ms. */
  sendingMs: number
  /** From `go` to the last connection having every reply (or giving up on them), ms. */
  finishedMs: number
  /** Connections that failed (socket error or close before the end). */
  failures: string[]
}

export type ToLoadClient = { type: 'plan'; plan: LoadPlan } | { type: 'go' }

export type FromLoadClient =
  | { type: 'ready' }
  | { type: 'progress'; sent: number; acked: number }
  | { type: 'done'; result: LoadResult }
  | { type: 'failed'; message: string }
