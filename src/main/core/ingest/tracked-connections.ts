import type { Socket } from 'node:net'

import type { ConnectionLimits } from './tcp/connection-limits'

/** What a listener runs for each socket: `run()` settles once the socket is done with. */
export interface RunnableConnection {
  run(): Promise<void>
}

/**
 * The open connections of one listener (TCP lines, pickle), each holding a slot of its
 * ConnectionLimits from admission until its `run()` settles. The transports differ in how they
 * refuse a socket and how they end a connection at stop; that stays with them.
 */
export class TrackedConnections<C extends RunnableConnection> {
  /** Each open connection and the promise that settles when it is done. */
  private readonly open = new Map<Socket, { connection: C; done: Promise<void> }>()

  constructor(private readonly limits: ConnectionLimits) {}

  /** Connections open now. */
  get size(): number {
    return this.open.size
  }

  connections(): C[] {
    return [...this.open.values()].map(({ connection }) => connection)
  }

  /**
   * Takes a slot for the socket's address and runs the connection `make` gives. Once its run
   * settles it is forgotten, its slot given back, then `onDone` is called. When no slot is free,
   * returns why (nothing is made: refusing the socket is the caller's), else null.
   */
  admit(socket: Socket, make: () => C, onDone?: () => void): string | null {
    const address = socket.remoteAddress ?? 'unknown'
    const refused = this.limits.admit(address)
    if (refused !== null) return refused
    const connection = make()
    const done = connection.run().then(() => {
      this.open.delete(socket)
      this.limits.release(address)
      onDone?.()
    })
    this.open.set(socket, { connection, done })
    return null
  }

  /** Ends every open connection with `end`; resolves once each one's run has settled. */
  async endAll(end: (connection: C) => void): Promise<void> {
    const open = [...this.open.values()]
    for (const { connection } of open) end(connection)
    await Promise.all(open.map(({ done }) => done))
  }
}
