import type { ConsoleInfo } from '../../../shared/live-events'
import { roleOf, type ConsoleKeys } from '../auth/keys'
import { throttledError, type AuthThrottle } from '../auth/auth-throttle'
import { RequestError } from '../operations/request-error'
import { withAck } from '../operations/to-envelope'
import type { LiveBroadcaster, LiveNamespace, LiveSocket } from './live-broadcaster'

const RESYNC_INTERVAL_MS = 1000

export interface LiveHandlerDeps {
  keys: ConsoleKeys
  throttle: AuthThrottle
  /** Most viewers at once; one more is refused with a clear connect_error. */
  maxViewers?: number
  /** Where the console is, for the viewer's header; read when a viewer connects. */
  info: () => ConsoleInfo
  broadcaster: LiveBroadcaster
}

/**
 * `/live`: the handshake must carry the access key or the view key (`auth: { key }`); the
 * viewer is told its role, gets the snapshot, then the live events. Nothing on `/live` changes
 * state, so both roles may ask for everything here.
 */
export function registerLiveHandlers(nsp: LiveNamespace, deps: LiveHandlerDeps): void {
  const maxViewers = deps.maxViewers ?? 200
  nsp.use((socket, next) => {
    const address = socket.handshake.address
    const wait = deps.throttle.blockedFor(address)
    if (wait > 0) {
      next(throttledError(wait))
      return
    }
    const key = (socket.handshake.auth as { key?: unknown }).key
    if (typeof key !== 'string' || key === '') {
      next(new Error('a key is required: connect with auth: { key: "<access or view key>" }'))
      return
    }
    const role = roleOf(key, deps.keys)
    if (role === null) {
      deps.throttle.fail(address, 'live')
      next(new Error('wrong key'))
      return
    }
    if (nsp.sockets.size >= maxViewers) {
      next(new Error(`the console takes at most ${maxViewers} viewers; try again later`))
      return
    }
    // Between the web port opening and ingest listening the console has no address to tell
    // yet: a viewer that comes that early is asked to retry (Socket.IO clients do by themselves).
    try {
      socket.data.info = deps.info()
    } catch {
      next(new Error('the console is starting; try again in a moment'))
      return
    }
    socket.data.role = role
    next()
  })

  nsp.on('connection', (socket: LiveSocket) => {
    socket.emit('hello', { role: socket.data.role, ...socket.data.info })
    deps.broadcaster.join(socket)
    socket.on(
      'resync',
      withAck(() => {
        // A snapshot is the costliest thing a viewer can ask for: once a second at most.
        const now = Date.now()
        if (
          socket.data.lastResync !== undefined &&
          now - socket.data.lastResync < RESYNC_INTERVAL_MS
        ) {
          throw new RequestError('too_soon', 'at most one resync a second')
        }
        socket.data.lastResync = now
        return deps.broadcaster.snapshot()
      })
    )
  })
}
