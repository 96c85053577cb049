/** A `/live` connection, as far as telling a stalled one goes. */
export interface ViewerConnection {
  id: string
  conn: unknown
}

/**
 * The viewers skipped for being slow, and what each missed meanwhile: a viewer whose connection
 * holds more than `maxPending` packets is sent nothing that is not volatile until it keeps up,
 * then told once how many reports it missed. Memory stays bounded: a count per viewer.
 */
export class SlowViewers {
  private readonly missed = new Map<string, number>()

  constructor(private readonly maxPending: number) {}

  /** Whether `viewer` is too far behind to be sent more now. */
  isSlow(viewer: ViewerConnection): boolean {
    return pendingPackets(viewer) > this.maxPending
  }

  /** Counts what a skipped viewer missed (0 reports still counts: it missed an event). */
  skipped(id: string, reports: number): void {
    this.missed.set(id, (this.missed.get(id) ?? 0) + reports)
  }

  /** For a viewer that keeps up again: the reports it missed, once; undefined if it missed nothing. */
  caughtUp(id: string): number | undefined {
    const missed = this.missed.get(id)
    if (missed !== undefined) this.missed.delete(id)
    return missed
  }

  /** The viewer starts over from a snapshot, or has left. */
  forget(id: string): void {
    this.missed.delete(id)
  }
}

/**
 * Packets engine.io holds for this viewer because its transport is not writable: the measure of
 * a stalled viewer. `writeBuffer` is engine.io's own queue (not in its typings); when it is not
 * there, an unwritable transport counts as a full queue.
 */
function pendingPackets(viewer: ViewerConnection): number {
  const conn = viewer.conn as {
    writeBuffer?: unknown[]
    transport?: { writable?: boolean }
  }
  if (Array.isArray(conn.writeBuffer)) return conn.writeBuffer.length
  return conn.transport?.writable === false ? Infinity : 0
}
