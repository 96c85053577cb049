import type { HandshakeRefusal } from '../../../shared/handshake-refusal'
import type { AuthThrottle, KeyDoor } from './auth-throttle'
import { handshakeRefusal } from './handshake-refusal'

/** What a presented key came to: what it grants, or why it was refused. */
export type KeyVerdict<G> =
  | { granted: G }
  | { refused: 'too_many_attempts'; retryAfter: number }
  | { refused: 'no_key' | 'wrong_key' }

/**
 * The one check of a presented key, at every door (HTTP, `/live`, `/push`, `/stream`), against
 * one throttle per address. An address that presented too many wrong keys lately is refused
 * before its key is read, even the right one. No key — none, an empty one, or anything but a string — is no
 * guess and is not counted; a key that grants nothing is, whatever the door.
 */
export function checkKey<G>(
  presented: unknown,
  grantOf: (key: string) => G | null,
  at: { address: string; door: KeyDoor; throttle: AuthThrottle }
): KeyVerdict<G> {
  const wait = at.throttle.blockedFor(at.address)
  if (wait > 0) return { refused: 'too_many_attempts', retryAfter: wait }
  if (typeof presented !== 'string' || presented === '') return { refused: 'no_key' }
  const granted = grantOf(presented)
  if (granted !== null) return { granted }
  at.throttle.fail(at.address, at.door)
  return { refused: 'wrong_key' }
}

/** What every door says to an address it holds back for its wrong keys. */
export function tooManyAttemptsMessage(retryAfter: number): string {
  return `too many wrong keys from your address: try again in ${retryAfter} s`
}

/** What a door says to people when it refuses a key; the code says it to programs. */
export interface KeyRefusalMessages {
  no_key: string
  wrong_key: string
}

/**
 * The key of a Socket.IO handshake (`auth: { key }`), checked as every key is. A refusal is the
 * `connect_error` to hand to `next()`: the door's message, and `data.code` (with `retryAfter`
 * when throttled) for the client to act on.
 */
export function checkHandshakeKey<G>(
  handshake: { address: string; auth: unknown },
  grantOf: (key: string) => G | null,
  door: { name: KeyDoor; throttle: AuthThrottle; messages: KeyRefusalMessages }
): { granted: G } | { refusal: Error & { data: HandshakeRefusal } } {
  const presented = (handshake.auth as { key?: unknown } | null | undefined)?.key
  const verdict = checkKey(presented, grantOf, {
    address: handshake.address,
    door: door.name,
    throttle: door.throttle
  })
  if ('granted' in verdict) return verdict
  if (verdict.refused === 'too_many_attempts')
    return {
      refusal: handshakeRefusal(
        'too_many_attempts',
        tooManyAttemptsMessage(verdict.retryAfter),
        verdict.retryAfter
      )
    }
  return { refusal: handshakeRefusal(verdict.refused, door.messages[verdict.refused]) }
}
