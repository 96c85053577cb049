import type { PushMessage } from '../../../shared/push-events'

/** What the connections need of a socket: emit a message and wait for its acknowledgement. */
export interface PushSocketLike {
  readonly id: string
  timeout(ms: number): { emitWithAck(event: string, message: PushMessage): Promise<unknown> }
}

interface Attached {
  socket: PushSocketLike
  /** An event a point-to-point message also goes out on (an Android-era client's token). */
  alsoOn: string | undefined
}

/**
 * The live `/push` connection of each registered uid. The `/push` handlers add and remove them;
 * the message service delivers through them. One connection per uid: the newest wins.
 */
export class PushConnections {
  private readonly sockets = new Map<string, Attached>()

  /** Push clients connected now. */
  get size(): number {
    return this.sockets.size
  }

  constructor(private readonly ackTimeoutMs = 10_000) {}

  /**
   * Makes `socket` the uid's connection; returns the one it replaces, if another. With
   * `alsoOn`, point-to-point messages go out on that event as well as on `message`.
   */
  attach(uid: string, socket: PushSocketLike, alsoOn?: string): PushSocketLike | undefined {
    const previous = this.sockets.get(uid)?.socket
    this.sockets.set(uid, { socket, alsoOn })
    return previous === socket ? undefined : previous
  }

  /** Forgets the uid's connection if it still is `socket`; true when it was. */
  detach(uid: string, socket: PushSocketLike): boolean {
    if (this.sockets.get(uid)?.socket !== socket) return false
    this.sockets.delete(uid)
    return true
  }

  /**
   * Sends a message; true once the client acknowledged it (on either event, when it goes out on
   * two), false if it is not connected or did not in time.
   */
  async deliver(uid: string, message: PushMessage): Promise<boolean> {
    const attached = this.sockets.get(uid)
    if (attached === undefined) return false
    const { socket, alsoOn } = attached
    const events = alsoOn === undefined || message.broadcast ? ['message'] : ['message', alsoOn]
    try {
      // Promise.any handles every rejection: the event the client does not answer is no error.
      await Promise.any(
        events.map((event) => socket.timeout(this.ackTimeoutMs).emitWithAck(event, message))
      )
      return true
    } catch {
      return false
    }
  }
}
