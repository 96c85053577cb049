import type { IncomingMessage } from 'node:http'

import type { Role } from '../../../shared/live-events'
import { roleOf, type ConsoleKeys } from '../keys'
import type { AuthThrottle } from './auth-throttle'
import { HttpError } from './http-json'

/** The key a request presents: `Authorization: Bearer <key>` first, else `?key=<key>`. */
export function presentedKey(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.authorization
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    return match?.[1]
  }
  return url.searchParams.get('key') ?? undefined
}

/**
 * Throws a 401 unless the request carries a key, a 403 when it carries the view key where the
 * access key is needed, and a 429 for an address that failed too often lately.
 */
export function requireRole(
  req: IncomingMessage,
  url: URL,
  keys: ConsoleKeys,
  needed: Role,
  throttle: AuthThrottle
): void {
  const address = req.socket.remoteAddress ?? 'unknown'
  const wait = throttle.blockedFor(address)
  if (wait > 0) {
    throw new HttpError(
      429,
      'too_many_attempts',
      `too many wrong keys from your address: try again in ${wait} s`,
      {
        'retry-after': String(wait)
      }
    )
  }
  const key = presentedKey(req, url)
  if (key === undefined) {
    throw new HttpError(
      401,
      'unauthorized',
      'this endpoint needs a key: send "Authorization: Bearer <key>" or ?key=<key>'
    )
  }
  const role = roleOf(key, keys)
  if (role === null) {
    throttle.fail(address)
    throw new HttpError(401, 'unauthorized', 'wrong key')
  }
  if (needed === 'operator' && role !== 'operator') {
    throw new HttpError(403, 'forbidden', 'the view key is read-only: this needs the access key')
  }
}
