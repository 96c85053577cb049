import type { IncomingMessage } from 'node:http'

import type { Role } from '../../../shared/live-events'
import { roleOf, type ConsoleKeys } from './keys'
import type { AuthThrottle } from './auth-throttle'
import { checkKey, tooManyAttemptsMessage } from './key-check'
import { HttpError } from '../web/routes/http-json'

/**
 * Whether a browser says another site's page made this request (`Sec-Fetch-Site: cross-site`):
 * an `<img src="http://console:9801/api/devices?key=x">` on any page the operator opens. Such a
 * request speaks for that page, not for the operator's address.
 */
export function isCrossSite(req: IncomingMessage): boolean {
  return req.headers['sec-fetch-site']?.trim().toLowerCase() === 'cross-site'
}

/**
 * The key a request presents: `Authorization: Bearer <key>` first, else `?key=<key>` — except
 * from another site's page, whose address bar key is never taken (a link or an image could
 * carry one; a header needs the page to be allowed to send it, which no other origin is).
 */
export function presentedKey(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.authorization
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    return match?.[1]
  }
  if (isCrossSite(req)) return undefined
  return url.searchParams.get('key') ?? undefined
}

/**
 * Throws a 401 unless the request carries a key, a 403 when it carries the view key where the
 * access key is needed, and a 429 for an address that failed too often lately. Another site's
 * page cannot make a wrong key count against the operator's address: the key in its address is
 * not taken (so it presents none, and a missing key is not counted), and a header it is not
 * allowed to send. Every wrong key that is presented counts, whatever `Sec-Fetch-Site` says: a
 * client that forges that header is no browser and gets no exemption from the throttle.
 */
export function requireRole(
  req: IncomingMessage,
  url: URL,
  keys: ConsoleKeys,
  needed: Role,
  throttle: AuthThrottle
): void {
  const verdict = checkKey(presentedKey(req, url), (key) => roleOf(key, keys), {
    address: req.socket.remoteAddress ?? 'unknown',
    door: 'http',
    throttle
  })
  if ('granted' in verdict) {
    if (needed === 'operator' && verdict.granted !== 'operator')
      throw new HttpError(403, 'forbidden', 'the view key is read-only: this needs the access key')
    return
  }
  if (verdict.refused === 'too_many_attempts') {
    throw new HttpError(429, 'too_many_attempts', tooManyAttemptsMessage(verdict.retryAfter), {
      'retry-after': String(verdict.retryAfter)
    })
  }
  if (verdict.refused === 'no_key') {
    throw new HttpError(
      401,
      'unauthorized',
      url.searchParams.has('key') && isCrossSite(req)
        ? 'a key in the address is not taken from another site\'s page: send "Authorization: Bearer <key>"'
        : 'this endpoint needs a key: send "Authorization: Bearer <key>" or ?key=<key>'
    )
  }
  throw new HttpError(401, 'unauthorized', 'wrong key')
}
