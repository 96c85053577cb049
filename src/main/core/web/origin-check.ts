import type { IncomingMessage } from 'node:http'

/**
 * Socket.IO's `allowRequest`: a browser page from another origin may not open a connection (a
 * page on the LAN that learnt a key must not watch or operate the console from its own origin),
 * unless that origin is allowed. The console's own page is same-origin; clients that send no
 * `Origin` header — devices, scripts, phone apps — are not browsers and pass.
 */
export function originCheck(
  allowed: string[]
): (
  req: IncomingMessage,
  callback: (err: string | null | undefined, success: boolean) => void
) => void {
  const allowedSet = new Set(allowed)
  return (req, callback) => {
    const origin = req.headers.origin
    if (origin === undefined || allowedSet.has(origin) || isSameOrigin(origin, req.headers.host)) {
      callback(null, true)
      return
    }
    callback(
      `origin ${origin} is not allowed: start the console with --allowed-origins ${origin}`,
      false
    )
  }
}

function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false
  try {
    const url = new URL(origin)
    return url.host === host
  } catch {
    return false
  }
}
