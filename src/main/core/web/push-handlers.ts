import type { Namespace, Socket } from 'socket.io'
import { z } from 'zod'

import type {
  PushClientToServerEvents,
  PushServerToClientEvents
} from '../../../shared/live-events'
import { keyMatches } from '../keys'
import type { Logger } from '../logger'
import type { MessageService } from '../push/message-service'
import type { PushClientRegistry } from '../push/push-client-registry'
import { RequestError, toEnvelope } from '../to-envelope'

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
  messages: MessageService
  logger: Logger
  /** When set, the handshake must carry it as `auth: { key }`. */
  pushKey?: string
  /** How long to wait for a client to acknowledge a message before leaving it `sent`. */
  ackTimeoutMs?: number
}

const registerSchema = z.object({
  uid: z.string().min(1, 'uid: must not be empty').max(128, 'uid: at most 128 characters'),
  name: z.string().max(128, 'name: at most 128 characters').optional()
})
const receiptSchema = z.object({
  id: z.string().min(1, 'id: required').max(64),
  status: z.string().min(1, 'status: required').max(64, 'status: at most 64 characters')
})

/**
 * `/push`: clients register, receive messages and send receipts. A client cannot send anything
 * to another client: sending is the backend's, through the HTTP API with the access key.
 */
export function registerPushHandlers(nsp: PushNamespace, deps: PushHandlerDeps): void {
  const sockets = new Map<string, PushSocket>()

  if (deps.pushKey !== undefined) {
    const pushKey = deps.pushKey
    nsp.use((socket, next) => {
      const key = (socket.handshake.auth as { key?: unknown }).key
      next(
        typeof key === 'string' && keyMatches(key, pushKey)
          ? undefined
          : new Error('this console needs its push key: connect with auth: { key }')
      )
    })
  }

  deps.messages.useDelivery(async (uid, message) => {
    const socket = sockets.get(uid)
    if (socket === undefined) return false
    try {
      await socket.timeout(deps.ackTimeoutMs ?? 10_000).emitWithAck('message', message)
      return true
    } catch {
      return false // no acknowledgement in time: the message stays `sent`
    }
  })

  nsp.on('connection', (socket: PushSocket) => {
    socket.on('register', (payload, ack) => {
      void toEnvelope(async () => {
        const { uid, name } = parse(registerSchema, payload)
        const token = await deps.clients.register(uid, name ?? null)
        const previous = socket.data.uid
        if (previous !== undefined && previous !== uid) release(previous, socket)
        // A uid has one live connection: the newest registration wins.
        sockets.get(uid)?.disconnect(true)
        sockets.set(uid, socket)
        socket.data.uid = uid
        deps.clients.connected(uid)
        socket.emit('_register', { token })
        void deps.messages.flushQueue(uid)
        return { token }
      }).then((result) => {
        if (typeof ack === 'function') ack(result)
      })
    })

    socket.on('report', (payload, ack) => {
      void toEnvelope(async () => {
        const uid = socket.data.uid
        if (uid === undefined)
          throw new RequestError('not_registered', 'register before sending receipts')
        await deps.messages.receipt(uid, parse(receiptSchema, payload))
        return null
      }).then((result) => {
        if (typeof ack === 'function') ack(result)
      })
    })

    socket.on('disconnect', () => {
      if (socket.data.uid !== undefined) release(socket.data.uid, socket)
    })
  })

  function release(uid: string, socket: PushSocket): void {
    if (sockets.get(uid) !== socket) return
    sockets.delete(uid)
    deps.clients.disconnected(uid)
  }
}

function parse<T>(schema: z.ZodType<T>, payload: unknown): T {
  const result = schema.safeParse(payload)
  if (result.success) return result.data
  throw new RequestError('bad_request', result.error.issues[0]?.message ?? 'invalid')
}
