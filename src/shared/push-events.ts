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
  /** The client's receipt for a message, e.g. `{ id, status: 'read' }` or `{ id, status: 'ack', comment }`. */
  report: (
    receipt: { id: string; status: string; comment?: string },
    ack?: (result: Envelope<null>) => void
  ) => void
}
