import type { AddressInfo, Server as NetServer } from 'node:net'

/**
 * Connections the kernel holds for a TCP port until the console accepts them. After a console
 * restart or a network blip a whole plant reconnects at once; with Node's default (511) the
 * surplus handshakes are dropped or answered with SYN cookies, retried a second or more later,
 * and some are reset. Linux caps it at net.core.somaxconn (4096 on current kernels).
 */
const TCP_BACKLOG = 4096

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
    if (target.length === 2) server.listen(target[0], target[1], TCP_BACKLOG, ready)
    else server.listen(target[0], ready)
  })
}
