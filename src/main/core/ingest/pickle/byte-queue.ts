/**
 * Bytes received and not yet consumed, kept as the chunks they came in. Reading a run of bytes
 * copies only when the run spans chunks, and only that run: a value split over a thousand
 * one-byte segments costs one copy of its length, not a thousand.
 */
export class ByteQueue {
  private chunks: Buffer[] = []
  /** Bytes of `chunks[0]` already consumed. */
  private head = 0
  private size = 0
  /** Backing stores this queue allocated itself: a view into one pins nothing foreign. */
  private readonly owned = new WeakSet<ArrayBufferLike>()

  get length(): number {
    return this.size
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return
    this.chunks.push(chunk)
    this.size += chunk.length
  }

  /** The byte at `offset` from the front (offset < length). */
  byteAt(offset: number): number {
    let at = offset + this.head
    for (const chunk of this.chunks) {
      if (at < chunk.length) return chunk[at]!
      at -= chunk.length
    }
    throw new RangeError('byteAt beyond the queued bytes')
  }

  /** Where `byte` first occurs at or after `from`, counted from the front; -1 if not queued. */
  indexOf(byte: number, from: number): number {
    let base = -this.head
    for (const chunk of this.chunks) {
      const start = Math.max(0, from - base)
      if (start < chunk.length) {
        const found = chunk.indexOf(byte, start)
        if (found !== -1) return base + found
      }
      base += chunk.length
    }
    return -1
  }

  /** The first `n` bytes (n ≤ length) as one buffer, not consumed. Valid until the next call. */
  peek(n: number): Buffer {
    this.normalize()
    const first = this.chunks[0]
    if (first === undefined) return Buffer.alloc(0)
    if (first.length >= n) return first.subarray(0, n)
    const out = Buffer.allocUnsafeSlow(n)
    this.owned.add(out.buffer)
    let filled = 0
    while (filled < n) {
      const chunk = this.chunks[0]!
      const take = Math.min(chunk.length, n - filled)
      chunk.copy(out, filled, 0, take)
      filled += take
      if (take === chunk.length) this.chunks.shift()
      else this.chunks[0] = chunk.subarray(take)
    }
    this.chunks.unshift(out)
    return out
  }

  /** Consumes `n` bytes (n ≤ length). */
  skip(n: number): void {
    this.size -= n
    let left = n + this.head
    this.head = 0
    while (left > 0) {
      const chunk = this.chunks[0]!
      if (left < chunk.length) {
        this.head = left
        return
      }
      left -= chunk.length
      this.chunks.shift()
    }
  }

  clear(): void {
    this.chunks = []
    this.head = 0
    this.size = 0
  }

  /**
   * Copies the last chunk when it is a small view into a larger store (a socket's read
   * buffer): what waits here for the rest of a value must not hold the whole read in memory.
   * Called once per received chunk, so every byte is copied at most once by it.
   */
  compactLast(): void {
    const last = this.chunks.length - 1
    const chunk = this.chunks[last]
    if (chunk === undefined || this.owned.has(chunk.buffer)) return
    if (chunk.buffer.byteLength === chunk.length) return
    const start = last === 0 ? this.head : 0
    const copy = Buffer.allocUnsafeSlow(chunk.length - start)
    this.owned.add(copy.buffer)
    chunk.copy(copy, 0, start)
    this.chunks[last] = copy
    if (last === 0) this.head = 0
  }

  private normalize(): void {
    if (this.head === 0) return
    this.chunks[0] = this.chunks[0]!.subarray(this.head)
    this.head = 0
  }
}
