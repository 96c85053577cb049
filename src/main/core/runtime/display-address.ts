import { networkInterfaces } from 'node:os'

/**
 * The host to put in an address shown to people: a wildcard listen address (0.0.0.0, ::) is not
 * somewhere a browser can go, so it becomes this machine's first LAN IPv4 address, or loopback.
 */
export function displayHost(listenHost: string): string {
  if (listenHost !== '0.0.0.0' && listenHost !== '::')
    return listenHost.includes(':') ? `[${listenHost}]` : listenHost
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) {
      if (a.family === 'IPv4' && !a.internal) return a.address
    }
  }
  return '127.0.0.1'
}
