import type { HandshakeRefusal, HandshakeRefusalCode } from '../../../shared/handshake-refusal'

/**
 * A refused Socket.IO handshake, the `connect_error` to hand to `next()`: the message for
 * people, `data.code` (and `retryAfter`, in seconds, when throttled) for the client to act on.
 */
export function handshakeRefusal(
  code: HandshakeRefusalCode,
  message: string,
  retryAfter?: number
): Error & { data: HandshakeRefusal } {
  const data: HandshakeRefusal = retryAfter === undefined ? { code } : { code, retryAfter }
  return Object.assign(new Error(message), { data })
}
