import type { IncomingMessage } from 'node:http'

import type { ErrorCode } from '../../../shared/error-codes'
import type { HostCheck } from '../auth/host-check'

export interface GuardRefusal {
  status: number
  code: ErrorCode
  message: string
}

export interface RequestGuardOptions {
  hosts: HostCheck
  /** The origin check of Socket.IO's requests (its handshakes, polls and upgrades). */
  socketOrigin: (req: IncomingMessage) => boolean
  /** Socket.IO's path on the web port. */
  socketPath?: string
}

/**
 * What every request and upgrade on the web port passes before any handler sees it: the `Host`
 * check for all, the `Origin` check for Socket.IO. A refusal names the flag that would allow it
 * and never repeats the request's own text (an attacker's page chose it).
 */
export class RequestGuard {
  private readonly socketPath: string

  constructor(private readonly options: RequestGuardOptions) {
    this.socketPath = options.socketPath ?? '/socket.io/'
  }

  check(req: IncomingMessage): GuardRefusal | null {
    if (!this.options.hosts.allows(req.headers.host))
      return {
        status: 421,
        code: 'misdirected',
        message:
          'this console does not answer to the host name in the address: open it by its own name or IP address, or start it with --allowed-hosts <name>'
      }
    if ((req.url ?? '').startsWith(this.socketPath) && !this.options.socketOrigin(req))
      return {
        status: 403,
        code: 'forbidden',
        message:
          "a page of another origin may not connect: start the console with --allowed-origins <that page's origin> to allow it"
      }
    return null
  }
}
