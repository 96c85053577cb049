/**
 * Follows the MQTT packets of one connection's input as it is read, to catch a packet longer
 * than the limit as soon as its fixed header announces it. aedes' parser (mqtt-packet) has no
 * limit: it buffers a whole packet — up to 256 MB, as the header may say — before it looks at
 * it. The watch only counts: the bytes still go to the parser, and the caller closes the
 * connection when `take` says no.
 */
export class FrameWatch {
  private state: 'type' | 'length' | 'body' = 'type'
  private length = 0
  private multiplier = 1
  private remaining = 0

  /** @param maxPacketBytes the longest packet body (its "remaining length") allowed */
  constructor(readonly maxPacketBytes: number) {}

  /** Follows `chunk`; false when a packet announced more than the limit, or a malformed length. */
  take(chunk: Buffer): boolean {
    let at = 0
    while (at < chunk.length) {
      if (this.state === 'body') {
        const skipped = Math.min(this.remaining, chunk.length - at)
        at += skipped
        this.remaining -= skipped
        if (this.remaining === 0) this.state = 'type'
        continue
      }
      const byte = chunk[at++]!
      if (this.state === 'type') {
        this.state = 'length'
        this.length = 0
        this.multiplier = 1
        continue
      }
      // The remaining length: 7 bits a byte, low first, at most four bytes (MQTT 3.1.1, 2.2.3).
      this.length += (byte & 0x7f) * this.multiplier
      if ((byte & 0x80) !== 0) {
        this.multiplier *= 128
        if (this.multiplier > 128 ** 3) return false
        continue
      }
      if (this.length > this.maxPacketBytes) return false
      this.remaining = this.length
      this.state = this.remaining === 0 ? 'type' : 'body'
    }
    return true
  }
}
