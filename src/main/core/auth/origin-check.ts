import type { IncomingMessage } from 'node:http'

/**
 * Whether a Socket.IO request may go on, by its `Origin`: a browser page from another origin may
 * not open a connection (a page on the LAN that learnt a key must not watch or operate the
 * console from its own origin), unless that origin is allowed. The console's own page is
 * same-origin; clients that send no `Origin` header — devices, scripts, phone apps — are not
 * browsers and pass. (Same-origin is judged by `Host`, which the host check has vouched for.)
 */
export function originCheck(allowed: string[]): (req: IncomingMessage) => boolean {
  const allowedSet = new Set(allowed)
  return (req) => {
    const origin = req.headers.origin
    return origin === undefined || allowedSet.has(origin) || isSameOrigin(origin, req.headers.host)
  }
}

function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false
  try {
    const url = new URL(origin)
    return url.host === host.toLowerCase()
  } catch {
    return false
  }
}
