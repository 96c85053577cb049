/**
 * Releases answers in the order their places were taken, whatever order they come in: a broker
 * must send PUBACKs in the order the PUBLISHes arrived [MQTT-4.6.0-2], and a refusal is known at
 * once while an earlier report is still being stored.
 */
export class InOrder {
  private readonly waiting: Array<{ release: (() => void) | null }> = []

  /** Takes the next place; call the result once, with what to run when the place's turn comes. */
  enter(): (release: () => void) => void {
    const place: { release: (() => void) | null } = { release: null }
    this.waiting.push(place)
    return (release) => {
      place.release = release
      this.flush()
    }
  }

  get size(): number {
    return this.waiting.length
  }

  private flush(): void {
    // A release may take and release places itself (aedes reads the next packets in its turn):
    // the head is read afresh each time, so the order holds.
    while (this.waiting[0]?.release != null) this.waiting.shift()!.release!()
  }
}
