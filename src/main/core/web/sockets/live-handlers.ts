import { handshakeRefusal } from '../../auth/handshake-refusal'
import { RESYNC_INTERVAL_MS, type ConsoleInfo } from '../../../../shared/live-events'
import type { AuthThrottle } from '../../auth/auth-throttle'
import { checkHandshakeKey } from '../../auth/key-check'
import { roleOf, type ConsoleKeys } from '../../auth/keys'
import type { LiveHub } from '../../live/live-hub'
import type { LiveNamespace, LiveSocket } from '../../live/live-socket'
import { OperationError } from '../../operations/operation-error'
import type { Logger } from '../../runtime/logger'
import { withAck } from '../../operations/to-envelope'

export interface LiveHandlerDeps {
  keys: ConsoleKeys
  throttle: AuthThrottle
  /** Most viewers at once; one more is refused with a clear connect_error. */
  maxViewers?: number
  /** Where the console is, for the viewer's header; read when a viewer connects. */
  info: () => ConsoleInfo
  hub: Pick<LiveHub, 'join' | 'snapshot'>
  logger: Logger
  now?: () => number
}

/**
 * `/live`: the handshake must carry the access key or the view key (`auth: { key }`); the
 * viewer is told its role, gets the snapshot, then the live events. Nothing on `/live` changes
 * state, so both roles may ask for everything here.
 */
export function registerLiveHandlers(nsp: LiveNamespace, deps: LiveHandlerDeps): void {
  const maxViewers = deps.maxViewers ?? 200
  const now = deps.now ?? Date.now
  nsp.use((socket, next) => {
    const check = checkHandshakeKey(socket.handshake, (key) => roleOf(key, deps.keys), {
      name: 'live',
      throttle: deps.throttle,
      messages: {
        no_key: 'a key is required: connect with auth: { key: "<access or view key>" }',
        wrong_key: 'wrong key'
      }
    })
    if ('refusal' in check) {
      next(check.refusal)
      return
    }
    const role = check.granted
    if (nsp.sockets.size >= maxViewers) {
      next(
        handshakeRefusal(
          'too_many_viewers',
          `the console takes at most ${maxViewers} viewers; try again later`
        )
      )
      return
    }
    // Between the web port opening and ingest listening the console has no address to tell
    // yet: a viewer that comes that early is asked to retry (Socket.IO clients do by themselves).
    try {
      socket.data.info = deps.info()
    } catch {
      next(handshakeRefusal('not_running', 'the console is starting; try again in a moment'))
      return
    }
    socket.data.role = role
    next()
  })

  const logInternal = (error: unknown): void =>
    deps.logger.error({ err: error }, 'a /live request failed')
  nsp.on('connection', (socket: LiveSocket) => {
    socket.emit('hello', { role: socket.data.role, ...socket.data.info })
    deps.hub.join(socket)
    socket.on(
      'resync',
      withAck(() => {
        // A snapshot is the costliest thing a viewer can ask for: once a second at most.
        const at = now()
        if (
          socket.data.lastResync !== undefined &&
          at - socket.data.lastResync < RESYNC_INTERVAL_MS
        ) {
          throw new OperationError('too_soon', 'at most one resync a second')
        }
        socket.data.lastResync = at
        return deps.hub.snapshot()
      }, logInternal)
    )
  })
}
