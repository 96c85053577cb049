import { hostname, networkInterfaces, type NetworkInterfaceInfo } from 'node:os'

export interface HostCheckOptions {
  /** The address the web port listens on; a name or address given there is the console's own. */
  listenHost: string
  /** `--allowed-hosts`: further names (or addresses) browsers use to reach the console. */
  allowedHosts?: string[]
  /** This machine's interfaces and name; os.networkInterfaces / os.hostname by default. */
  interfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>
  hostname?: () => string
  now?: () => number
}

/** Interfaces are read again after this long: a DHCP lease may change the console's address. */
const INTERFACES_CACHE_MS = 5000

/**
 * Against DNS rebinding: a page of `http://evil.test:9801` whose name the attacker then points
 * at the console is same-origin with it in the browser's eyes — `Origin` and `Host` both say
 * `evil.test:9801`. Only the `Host` header gives it away, so every request and upgrade must name
 * the console by one of its own names: localhost, a loopback or interface address, this
 * machine's host name (and `<name>.local`), the listen address, or an `--allowed-hosts` entry.
 *
 * A request without `Host` (HTTP/1.0; Node refuses HTTP/1.1 without one) passes: browsers always
 * send it, so such a request is a script or a device, not a page that was rebound.
 */
export class HostCheck {
  private readonly fixed: Set<string>
  private readonly interfaces: () => NodeJS.Dict<NetworkInterfaceInfo[]>
  private readonly hostname: () => string
  private readonly now: () => number
  private cached: { names: Set<string>; at: number } | null = null

  constructor(options: HostCheckOptions) {
    this.interfaces = options.interfaces ?? networkInterfaces
    this.hostname = options.hostname ?? hostname
    this.now = options.now ?? Date.now
    this.fixed = new Set(['localhost', '::1'])
    for (const name of [options.listenHost, ...(options.allowedHosts ?? [])]) {
      const normal = normalizeHost(name)
      if (normal !== null && normal !== '0.0.0.0' && normal !== '::') this.fixed.add(normal)
    }
  }

  /** Whether a request with this `Host` header is for this console. */
  allows(hostHeader: string | undefined): boolean {
    if (hostHeader === undefined) return true
    const host = hostOfHeader(hostHeader)
    if (host === null) return false
    if (this.fixed.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host)) return true
    return this.ownNames().has(host)
  }

  private ownNames(): Set<string> {
    const now = this.now()
    if (this.cached !== null && now - this.cached.at < INTERFACES_CACHE_MS) return this.cached.names
    const names = new Set<string>()
    for (const addresses of Object.values(this.interfaces()))
      for (const a of addresses ?? []) names.add(a.address.toLowerCase().replace(/%.*$/, ''))
    const name = normalizeHost(this.hostname())
    if (name !== null) {
      names.add(name)
      const short = name.split('.')[0]!
      names.add(short)
      names.add(`${short}.local`)
    }
    this.cached = { names, at: now }
    return names
  }
}

/** The host name of a `Host` header, normalized; null when it is not a plain host[:port]. */
function hostOfHeader(header: string): string | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:@/\\[\]?#]+)(?::\d{1,5})?$/.exec(header.trim())
  return match === null ? null : normalizeHost(match[1]!)
}

/**
 * Lowercase, without brackets or a trailing dot, an IPv4 or IPv6 literal in its one canonical
 * form (the URL parser's: `0x7f.1` is 127.0.0.1); null for what is no host name.
 */
export function normalizeHost(text: string): string | null {
  const bare = text.trim().replace(/\.$/, '')
  if (bare === '') return null
  const v6 = bare.replace(/^\[(.*)\]$/, '$1')
  try {
    if (v6.includes(':')) return new URL(`http://[${v6}]`).hostname.slice(1, -1)
    const url = new URL(`http://${bare}`)
    if (url.username !== '' || url.pathname !== '/' || url.port !== '') return null
    return url.hostname.replace(/\.$/, '')
  } catch {
    return null
  }
}
