import type { IncomingMessage } from 'node:http'

import { keyMatches } from '../access-key'
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

/** Throws a 401 unless the request carries the access key. */
export function requireAccessKey(req: IncomingMessage, url: URL, accessKey: string): void {
  const key = presentedKey(req, url)
  if (key === undefined) {
    throw new HttpError(
      401,
      'unauthorized',
      'this endpoint needs the access key: send "Authorization: Bearer <key>" or ?key=<key>'
    )
  }
  if (!keyMatches(key, accessKey)) throw new HttpError(401, 'unauthorized', 'wrong key')
}
