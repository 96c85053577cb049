import type { IncomingMessage } from 'node:http'

import type { ErrorCode } from '../../../shared/error-codes'
import { STREAM_PATH } from '../../../shared/history-types'
import type { HostCheck } from '../auth/host-check'

/** Where Socket.IO (engine.io) takes its requests and upgrades on the web port. */
export const SOCKET_IO_PATH = '/socket.io/'

export interface GuardRefusal {
  status: number
  code: ErrorCode
  message: string
}

export interface RequestGuardOptions {
  hosts: HostCheck
  /** The origin check of Socket.IO's requests (its handshakes, polls and upgrades) and `/stream`'s. */
  socketOrigin: (req: IncomingMessage) => boolean
  /** Socket.IO's path on the web port. */
  socketPath?: string
}

/**
 * What every request and upgrade on the web port passes before any handler sees it: the `Host`
 * check for all, the `Origin` check for Socket.IO and the plain WebSocket `/stream` (a page that
 * learnt a key must not read either from its own origin). A refusal names the flag that would allow it
 * and never repeats the request's own text (an attacker's page chose it).
 */
export class RequestGuard {
  private readonly socketPath: string

  constructor(private readonly options: RequestGuardOptions) {
    this.socketPath = options.socketPath ?? SOCKET_IO_PATH
  }

  check(req: IncomingMessage): GuardRefusal | null {
    if (!this.options.hosts.allows(req.headers.host))
      return {
        status: 421,
        code: 'misdirected',
        message:
          'this console does not answer to the host name in the address: open it by its own name or IP address, or start it with --allowed-hosts <name>'
      }
    const target = req.url ?? ''
    const originChecked = target.startsWith(this.socketPath) || pathOf(target) === STREAM_PATH
    if (originChecked && !this.options.socketOrigin(req))
      return {
        status: 403,
        code: 'forbidden',
        message:
          "a page of another origin may not connect: start the console with --allowed-origins <that page's origin> to allow it"
      }
    return null
  }
}

/** A request target's path, without its query string. */
export function pathOf(target: string): string {
  const query = target.indexOf('?')
  return query === -1 ? target : target.slice(0, query)
}
