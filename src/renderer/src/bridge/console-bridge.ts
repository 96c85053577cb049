import type { ExportProgress } from '../../../shared/history-types'
import type { UiRequests } from '../../../shared/ipc-contract'
import type { ConsoleInfo, LiveEvents, LiveSnapshot, Role } from '../../../shared/live-events'

/** The state of this UI's link to the console, as the header shows it. */
export type LinkState =
  | { state: 'connecting' }
  | { state: 'live'; since: number }
  /** Lost; retrying by itself. `message` says why the last try failed, when known. */
  | { state: 'reconnecting'; since: number; message?: string }
  /** The console said no to the key: retrying with it would not help. */
  | { state: 'refused'; reason: 'wrong_key' | 'no_key'; message: string }
  /**
   * Too many wrong keys from this address lately: the console refuses any key until `retryAt`.
   * Not this key's fault: the bridge keeps it and tries again then, by itself.
   */
  | { state: 'throttled'; retryAt: number; message: string }
  /** The desktop console could not start. */
  | { state: 'failed'; message: string; hint?: string }

export interface Hello extends ConsoleInfo {
  role: Role
  /** The desktop window (IPC), rather than a browser over the network. */
  local: boolean
}

/**
 * What a bridge tells the UI: one handler per live topic of the map (a new topic does not compile
 * until the UI handles it), plus the link and snapshot. A snapshot always comes before the live
 * events that follow it.
 */
export interface BridgeEvents extends LiveEvents {
  hello(hello: Hello): void
  snapshot(snapshot: LiveSnapshot): void
  link(link: LinkState): void
}

/**
 * The one way the UI reaches the console: over IPC in the desktop window, over Socket.IO and
 * the HTTP API in a browser. The panels never know which one they have.
 */
export interface ConsoleBridge extends UiRequests {
  readonly kind: 'desktop' | 'browser'
  /** Starts the live feed; returns the function that stops it. */
  connect(events: BridgeEvents): () => void
  /** Listens to the progress of exports (by id); returns the function that stops it. */
  onExportProgress(listener: (progress: ExportProgress) => void): () => void
}

/** An error the console answered, with its code (`bad_request`, `not_found`, …). */
export class BridgeError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}
