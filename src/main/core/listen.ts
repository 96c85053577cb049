import type { AddressInfo, Server as NetServer } from 'node:net'

/**
 * Starts `server` listening (a TCP port and host, or a local socket path) and resolves once it
 * does; a listen error (EADDRINUSE, EACCES) rejects instead of being emitted later.
 */
export function listen(
  server: Pick<NetServer, 'listen' | 'once' | 'off' | 'address'>,
  ...target: [port: number, host: string] | [path: string]
): Promise<AddressInfo | string | null> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    const ready = (): void => {
      server.off('error', reject)
      resolve(server.address())
    }
    if (target.length === 2) server.listen(target[0], target[1], ready)
    else server.listen(target[0], ready)
  })
}
