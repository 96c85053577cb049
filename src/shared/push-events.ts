/**
 * The Socket.IO contract of `/push`: push clients (phone apps, scripts) register, receive
 * messages and send receipts. docs/protocol.md is the prose version.
 */
import type { Envelope } from './envelope'

export const PUSH_NAMESPACE = '/push'

/** A message as a push client receives it. */
export interface PushMessage {
  id: string
  data: unknown
  broadcast: boolean
  time: number
}

export interface PushServerToClientEvents {
  /**
   * Also sent after `register`, for clients that do not read the acknowledgement. A client that
   * registered the Android-era way (`{ data: uid }`) gets the token as `data` too.
   */
  _register: (registered: { token: string; data?: string }) => void
  /**
   * A message; acknowledging the event marks it delivered. To a client that registered with
   * `{ data: uid }`, a point-to-point message also goes out on the event named by its token
   * (an event no typed map can name; docs/protocol.md, "Android-era push clients").
   */
  message: (message: PushMessage, ack: (received?: unknown) => void) => void
}

/**
 * A receipt: `{ id, status }`, or — as Android-era clients send it — a bare status string or
 * `{ status }` without an id, which the console attributes to the last message it sent that client.
 */
export type PushReceipt = { id?: string; status: string; comment?: string } | string

export interface PushClientToServerEvents {
  /** `{ uid, name? }`; Android-era clients send `{ data: uid }`, taken with the same limits. */
  register: (
    client: { uid: string; name?: string } | { data: string; name?: string },
    ack?: (result: Envelope<{ token: string }>) => void
  ) => void
  /** The client's receipt for a message, e.g. `{ id, status: 'read' }` or `{ id, status: 'ack', comment }`. */
  report: (receipt: PushReceipt, ack?: (result: Envelope<null>) => void) => void
  /** The same as `report`, under the name Android-era clients send receipts with. */
  reporter: (receipt: PushReceipt, ack?: (result: Envelope<null>) => void) => void
}
