import type { Namespace, Socket } from 'socket.io'
import { z } from 'zod'

import type {
  PushClientToServerEvents,
  PushServerToClientEvents
} from '../../../shared/push-events'
import { keyMatches } from '../keys'
import type { Logger } from '../logger'
import type { MessageService } from '../push/message-service'
import type { PushClientRegistry } from '../push/push-client-registry'
import type { PushConnections } from '../push/push-connections'
import { RequestError } from '../request-error'
import { withAck } from '../to-envelope'

interface PushSocketData {
  uid?: string
}

export type PushNamespace = Namespace<
  PushClientToServerEvents,
  PushServerToClientEvents,
  object,
  PushSocketData
>
type PushSocket = Socket<PushClientToServerEvents, PushServerToClientEvents, object, PushSocketData>

export interface PushHandlerDeps {
  clients: PushClientRegistry
  connections: PushConnections
  messages: MessageService
  logger: Logger
  /** When set, the handshake must carry it as `auth: { key }`. */
  pushKey?: string
  /** Most clients connected at once; one more is refused with a clear connect_error. */
  maxClients?: number
}

const registerSchema = z.object({
  uid: z.string().min(1, 'uid: must not be empty').max(128, 'uid: at most 128 characters'),
  name: z.string().max(128, 'name: at most 128 characters').optional()
})
const receiptSchema = z.object({
  id: z.string().min(1, 'id: required').max(64, 'id: at most 64 characters'),
  status: z.string().min(1, 'status: required').max(64, 'status: at most 64 characters')
})

/**
 * `/push`: clients register, receive messages and send receipts. Thin: each handler validates
 * its payload and delegates. A client cannot send anything to another client: sending is the
 * backend's, through the HTTP API with the access key.
 */
export function registerPushHandlers(nsp: PushNamespace, deps: PushHandlerDeps): void {
  const { clients, connections, messages, logger } = deps

  const maxClients = deps.maxClients ?? 5000
  nsp.use((_socket, next) => {
    if (nsp.sockets.size >= maxClients)
      next(new Error(`the console takes at most ${maxClients} push clients; try again later`))
    else next()
  })

  if (deps.pushKey !== undefined) {
    const pushKey = deps.pushKey
    nsp.use((socket, next) => {
      const key = (socket.handshake.auth as { key?: unknown }).key
      if (typeof key === 'string' && keyMatches(key, pushKey)) next()
      else next(new Error('this console needs its push key: connect with auth: { key }'))
    })
  }

  nsp.on('connection', (socket: PushSocket) => {
    socket.on(
      'register',
      withAck(async (payload: unknown) => {
        const { uid, name } = parse(registerSchema, payload)
        const token = await clients.register(uid, name ?? null)
        if (socket.disconnected)
          throw new RequestError('disconnected', 'the client left while registering')
        const previousUid = socket.data.uid
        if (previousUid !== undefined && previousUid !== uid) release(previousUid, socket)
        socket.data.uid = uid
        // One connection per uid: a newer one replaces an older one (a phone that reconnected
        // before its old connection timed out), never the caller itself.
        const replaced = connections.attach(uid, socket)
        if (replaced !== undefined) (replaced as PushSocket).disconnect()
        clients.connected(uid)
        socket.emit('_register', { token })
        void messages.flushQueue(uid)
        logger.debug({ uid }, 'push client registered')
        return { token }
      })
    )

    socket.on(
      'report',
      withAck((payload: unknown) => {
        const uid = socket.data.uid
        if (uid === undefined)
          throw new RequestError('not_registered', 'register before sending receipts')
        messages.receipt(uid, parse(receiptSchema, payload))
        return null
      })
    )

    socket.on('disconnect', () => {
      if (socket.data.uid !== undefined) release(socket.data.uid, socket)
    })
  })

  function release(uid: string, socket: PushSocket): void {
    if (connections.detach(uid, socket)) clients.disconnected(uid)
  }
}

function parse<T>(schema: z.ZodType<T>, payload: unknown): T {
  const result = schema.safeParse(payload)
  if (result.success) return result.data
  throw new RequestError('bad_request', result.error.issues[0]?.message ?? 'invalid')
}
