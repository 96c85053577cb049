import type { Namespace, Socket } from 'socket.io'
import { z } from 'zod'

import type {
  PushClientToServerEvents,
  PushServerToClientEvents
} from '../../../../shared/push-events'
import { findInvisibleCharacter } from '../../ingest/protocol/invisible-characters'
import { keyMatches } from '../../auth/keys'
import type { Logger } from '../../runtime/logger'
import type { MessageService } from '../../push/message-service'
import type { PushClientRegistry } from '../../push/push-client-registry'
import type { PushConnections } from '../../push/push-connections'
import { OperationError } from '../../operations/operation-error'
import { withAck } from '../../operations/to-envelope'
import { AuthThrottle } from '../../auth/auth-throttle'
import { checkHandshakeKey } from '../../auth/key-check'
import { handshakeRefusal } from '../../auth/handshake-refusal'

interface PushSocketData {
  uid?: string
  /** Every uid this connection registered, for its bound. */
  uids?: Set<string>
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
  /** Wrong push keys count here, with the other keys' failures. */
  throttle: AuthThrottle
  /** Most clients connected at once; one more is refused with a clear connect_error. */
  maxClients?: number
  /** Most connections from one address at once, so one host cannot take every place. */
  maxClientsPerAddress?: number
  /** A connection that has not registered within this long is closed: it holds a place. */
  registerWithinMs?: number
  /** Distinct uids one connection may register (a phone needs one). */
  maxUidsPerConnection?: number
  /** New uids (not registered before) one address may register a minute. */
  maxNewUidsPerMinute?: number
  now?: () => number
}

const uidField = (field: string) =>
  z.string().min(1, `${field}: must not be empty`).max(128, `${field}: at most 128 characters`)
const nameField = z.string().max(128, 'name: at most 128 characters').optional()
const registerSchema = z.object({ uid: uidField('uid'), name: nameField })
/** How Android-era clients register: the uid as `data`, with the same limits. */
const legacyRegisterSchema = z.object({ data: uidField('data'), name: nameField })
const statusField = z.string().min(1, 'status: required').max(64, 'status: at most 64 characters')
const receiptSchema = z.object({
  // Without an id (Android-era clients), the receipt is about the last message sent.
  id: z.string().min(1, 'id: required').max(64, 'id: at most 64 characters').optional(),
  status: statusField,
  /** Why, with an acknowledgement (an alarm's comment): passed on, not stored with the receipt. */
  comment: z.string().max(500, 'comment: at most 500 characters').optional()
})

/**
 * `/push`: clients register, receive messages and send receipts. Thin: each handler validates
 * its payload and delegates. A client cannot send anything to another client: sending is the
 * backend's, through the HTTP API with the access key.
 */
export function registerPushHandlers(nsp: PushNamespace, deps: PushHandlerDeps): void {
  const { clients, connections, messages, logger } = deps
  const logInternal = (error: unknown): void =>
    logger.error({ err: error }, 'a /push request failed')

  const maxClients = deps.maxClients ?? 5000
  const maxPerAddress = deps.maxClientsPerAddress ?? 64
  const registerWithinMs = deps.registerWithinMs ?? 30_000
  /** Open connections per address; an address leaves the map with its last connection. */
  const perAddress = new Map<string, number>()
  nsp.use((socket, next) => {
    const address = socket.handshake.address
    if (nsp.sockets.size >= maxClients)
      next(
        handshakeRefusal(
          'too_many_connections',
          `the console takes at most ${maxClients} push clients; try again later`
        )
      )
    else if ((perAddress.get(address) ?? 0) >= maxPerAddress)
      next(
        handshakeRefusal(
          'too_many_connections',
          `the console takes at most ${maxPerAddress} push connections from one address; close one first`
        )
      )
    else next()
  })

  if (deps.pushKey !== undefined) {
    const pushKey = deps.pushKey
    const refused = 'this console needs its push key: connect with auth: { key }'
    nsp.use((socket, next) => {
      // Checked as the access and view keys are: a wrong one counts against the address.
      const check = checkHandshakeKey(
        socket.handshake,
        (key) => (keyMatches(key, pushKey) ? true : null),
        { name: 'push', throttle: deps.throttle, messages: { no_key: refused, wrong_key: refused } }
      )
      next('refusal' in check ? check.refusal : undefined)
    })
  }

  // Each new uid is a record in clients.db and a row in every viewer's snapshot: one
  // connection, or one address, must not be able to add thousands of them.
  const maxUids = deps.maxUidsPerConnection ?? 4
  const maxNewUids = deps.maxNewUidsPerMinute ?? 30
  // The throttle's count per address and minute is just what this needs: a new uid counts as a
  // "failure"; past the bound the address waits until its minute is over.
  const newUids = new AuthThrottle(maxNewUids, 60_000, deps.now ?? Date.now)

  nsp.on('connection', (socket: PushSocket) => {
    const address = socket.handshake.address
    perAddress.set(address, (perAddress.get(address) ?? 0) + 1)
    // Connecting costs nothing, so a place is held only by a client that registers.
    const registerDeadline = setTimeout(() => {
      if (socket.data.uid === undefined) socket.disconnect(true)
    }, registerWithinMs)
    registerDeadline.unref()
    socket.on(
      'register',
      withAck(async (payload: unknown) => {
        const { uid, name, legacy } = parseRegistration(payload)
        const invisible = findInvisibleCharacter(uid)
        if (invisible !== null)
          throw new OperationError(
            'bad_request',
            `${legacy ? 'data' : 'uid'}: must not contain invisible format characters (found ${invisible})`
          )
        // Checked and counted before the first await: registrations sent together are bounded
        // all the same.
        const uids = (socket.data.uids ??= new Set())
        if (!uids.has(uid) && uids.size >= maxUids)
          throw new OperationError(
            'too_many_uids',
            `a connection may register at most ${maxUids} uids: connect again for another`
          )
        if (!clients.has(uid)) {
          const wait = newUids.blockedFor(address)
          if (wait > 0)
            throw new OperationError(
              'too_many_registrations',
              `at most ${maxNewUids} new uids a minute from one address: try again in ${wait} s`
            )
          newUids.fail(address)
        }
        uids.add(uid)
        const token = await clients.register(uid, name ?? null)
        if (socket.disconnected)
          throw new OperationError('disconnected', 'the client left while registering')
        const previousUid = socket.data.uid
        if (previousUid !== undefined && previousUid !== uid) release(previousUid, socket)
        socket.data.uid = uid
        // One connection per uid: a newer one replaces an older one (a phone that reconnected
        // before its old connection timed out), never the caller itself. An Android-era client
        // listens for its point-to-point messages on the event named by its token.
        const replaced = connections.attach(uid, socket, legacy ? token : undefined)
        if (replaced !== undefined) (replaced as PushSocket).disconnect()
        clients.connected(uid)
        // Today's clients read `token`; Android-era ones also get it as `data`, the field they
        // sent the uid in: how the old server sent it is not on record, and both fields cover both.
        socket.emit('_register', legacy ? { data: token, token } : { token })
        void messages.flushQueue(uid)
        logger.debug({ uid }, 'push client registered')
        return { token }
      }, logInternal)
    )

    const onReceipt = withAck((payload: unknown) => {
      const uid = socket.data.uid
      if (uid === undefined)
        throw new OperationError('not_registered', 'register before sending receipts')
      // A bare status is how Android-era clients send a receipt.
      const receipt =
        typeof payload === 'string'
          ? { status: parse(statusField, payload) }
          : parse(receiptSchema, payload)
      messages.receipt(uid, receipt)
      return null
    }, logInternal)
    // `reporter` is the name Android-era clients send their receipts under.
    socket.on('report', onReceipt)
    socket.on('reporter', onReceipt)

    socket.on('disconnect', () => {
      clearTimeout(registerDeadline)
      const left = (perAddress.get(address) ?? 1) - 1
      if (left === 0) perAddress.delete(address)
      else perAddress.set(address, left)
      if (socket.data.uid !== undefined) release(socket.data.uid, socket)
    })
  })

  function release(uid: string, socket: PushSocket): void {
    if (connections.detach(uid, socket)) clients.disconnected(uid)
  }
}

/** A registration in today's form (`{ uid }`) or the Android-era one (`{ data: uid }`). */
function parseRegistration(payload: unknown): { uid: string; name?: string; legacy: boolean } {
  const legacy =
    typeof payload === 'object' && payload !== null && !('uid' in payload) && 'data' in payload
  if (!legacy) return { ...parse(registerSchema, payload), legacy }
  const { data, name } = parse(legacyRegisterSchema, payload)
  return name === undefined ? { uid: data, legacy } : { uid: data, name, legacy }
}

function parse<T>(schema: z.ZodType<T>, payload: unknown): T {
  const result = schema.safeParse(payload)
  if (result.success) return result.data
  throw new OperationError('bad_request', result.error.issues[0]?.message ?? 'invalid')
}
