import { io, type Socket } from 'socket.io-client'

import type {
  PushClientToServerEvents,
  PushMessage,
  PushServerToClientEvents
} from '../../src/shared/push-events'

export type PushSocket = Socket<PushServerToClientEvents, PushClientToServerEvents>

export interface PushPeer {
  socket: PushSocket
  /** Every message received, in order; each was acknowledged as it came. */
  inbox: PushMessage[]
  /** Registers `{ uid, name? }` and answers the token; throws on a refusal. */
  register(client: { uid: string; name?: string }): Promise<string>
  /** Resolves with the inbox once it holds `n` messages; rejects after `timeoutMs`. One at a time. */
  next(n: number, timeoutMs?: number): Promise<PushMessage[]>
}

/**
 * A push client on `<base>/push` (socket.io-client, WebSocket only, no reconnection) that
 * acknowledges every message. It needs nothing but the console's address, so it also talks to a
 * console of another release. The caller closes `socket`.
 */
export function pushPeer(base: string): PushPeer {
  const socket: PushSocket = io(`${base}/push`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true
  })
  const inbox: PushMessage[] = []
  let wake = (): void => undefined
  socket.on('message', (message, ack) => {
    inbox.push(message)
    ack()
    wake()
  })
  return {
    socket,
    inbox,
    async register(client) {
      const answer = await socket.timeout(5000).emitWithAck('register', { ...client })
      if (!answer.ok) throw new Error(`register ${client.uid}: ${answer.error.message}`)
      return answer.data.token
    },
    next(n, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${inbox.length}/${n} messages: ${JSON.stringify(inbox)}`)),
          timeoutMs
        )
        wake = () => {
          if (inbox.length < n) return
          clearTimeout(timer)
          resolve(inbox.slice())
        }
        wake()
      })
    }
  }
}
