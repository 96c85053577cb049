import type { PushMessage } from '../../../shared/push-events'

/** What the connections need of a socket: emit a message and wait for its acknowledgement. */
export interface PushSocketLike {
  readonly id: string
  timeout(ms: number): { emitWithAck(event: 'message', message: PushMessage): Promise<unknown> }
}

/**
 * The live `/push` connection of each registered uid. The `/push` handlers add and remove them;
 * the message service delivers through them. One connection per uid: the newest wins.
 */
export class PushConnections {
  private readonly sockets = new Map<string, PushSocketLike>()

  /** Push clients connected now. */
  get size(): number {
    return this.sockets.size
  }

  constructor(private readonly ackTimeoutMs = 10_000) {}

  /** Makes `socket` the uid's connection; returns the one it replaces, if another. */
  attach(uid: string, socket: PushSocketLike): PushSocketLike | undefined {
    const previous = this.sockets.get(uid)
    this.sockets.set(uid, socket)
    return previous === socket ? undefined : previous
  }

  /** Forgets the uid's connection if it still is `socket`; true when it was. */
  detach(uid: string, socket: PushSocketLike): boolean {
    if (this.sockets.get(uid) !== socket) return false
    this.sockets.delete(uid)
    return true
  }

  /** Sends a message; true once the client acknowledged it, false if it is not connected or did not in time. */
  async deliver(uid: string, message: PushMessage): Promise<boolean> {
    const socket = this.sockets.get(uid)
    if (socket === undefined) return false
    try {
      await socket.timeout(this.ackTimeoutMs).emitWithAck('message', message)
      return true
    } catch {
      return false
    }
  }
}
