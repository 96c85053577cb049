/**
 * Why the console refused a Socket.IO handshake: the `connect_error`'s `data.code`. Clients act
 * on the code; the message is for people and may be reworded. `too_many_attempts` and
 * `not_running` mean what they mean in an HTTP answer (error-codes.ts).
 */
export const HANDSHAKE_REFUSALS = [
  /** No key in `auth: { key }`: retrying without one cannot help. */
  'no_key',
  /** Not a key of this console: retrying with it cannot help. */
  'wrong_key',
  /** Too many wrong keys from this address lately: wait `retryAfter` seconds, then retry. */
  'too_many_attempts',
  /** As many viewers as the console takes: retry later. */
  'too_many_viewers',
  /** As many `/push` connections as the console takes, in all or from this address: close one or retry later. */
  'too_many_connections',
  /** The console is starting (or stopping): retry in a moment. */
  'not_running'
] as const

export type HandshakeRefusalCode = (typeof HANDSHAKE_REFUSALS)[number]

/** A refused handshake's `connect_error` `data`. */
export interface HandshakeRefusal {
  code: HandshakeRefusalCode
  /** Seconds to wait, with `too_many_attempts`. */
  retryAfter?: number
}

export function isHandshakeRefusal(value: unknown): value is HandshakeRefusal {
  const code = (value as { code?: unknown } | null | undefined)?.code
  return (HANDSHAKE_REFUSALS as readonly unknown[]).includes(code)
}
