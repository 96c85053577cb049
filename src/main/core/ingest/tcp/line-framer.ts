import { Transform, type TransformCallback } from 'node:stream'

/** Stands in for a line that was longer than the limit; its bytes are already discarded. */
export const OVERSIZE_LINE = Symbol('oversize line')

export type FramedLine = Buffer | typeof OVERSIZE_LINE

const NEWLINE = 0x0a
const CARRIAGE_RETURN = 0x0d

/**
 * Splits a byte stream into lines ending in `\n` (a `\r\n` ending is accepted). Works on bytes,
 * not strings, so a multi-byte character split across packets is never mangled and the length
 * limit counts bytes. Emits one array of lines per input chunk, so a packet of a thousand reports
 * costs one stream hop, not a thousand. A line over `maxLineBytes` is reported once as
 * OVERSIZE_LINE and skipped up to its newline without being buffered. Empty lines are dropped.
 */
export class LineFramer extends Transform {
  private tail: Buffer[] = []
  private tailBytes = 0
  private discarding = false

  constructor(private readonly maxLineBytes: number) {
    // Bounded in lines-arrays, not bytes: each array comes from one input chunk.
    super({ readableObjectMode: true, readableHighWaterMark: 16 })
  }

  /** Bytes held for a line not yet complete; never more than the limit (+1 for a '\r'). */
  get bufferedBytes(): number {
    return this.tailBytes
  }

  /** True when the unfinished line now held began in the last chunk (an earlier one completed). */
  tailIsNew = false

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.tailIsNew = false
    const lines: FramedLine[] = []
    let start = 0
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      if (this.discarding) {
        this.discarding = false
      } else if (this.tailBytes === 0) {
        this.collect(chunk.subarray(start, nl), lines)
      } else {
        this.tail.push(chunk.subarray(start, nl))
        const joined = Buffer.concat(this.tail, this.tailBytes + nl - start)
        this.tail = []
        this.tailBytes = 0
        this.collect(joined, lines)
      }
      start = nl + 1
    }
    if (start < chunk.length && !this.discarding) this.keepTail(chunk.subarray(start), lines)
    if (lines.length > 0) this.push(lines)
    callback()
  }

  override _flush(callback: TransformCallback): void {
    // A last line without its newline (the sender closed after writing it) still counts.
    if (!this.discarding && this.tailBytes > 0) {
      const lines: FramedLine[] = []
      this.collect(Buffer.concat(this.tail, this.tailBytes), lines)
      if (lines.length > 0) this.push(lines)
    }
    this.tail = []
    this.tailBytes = 0
    callback()
  }

  private keepTail(rest: Buffer, lines: FramedLine[]): void {
    // +1: the line may still end in '\r', which does not count against the limit.
    if (this.tailBytes + rest.length > this.maxLineBytes + 1) {
      lines.push(OVERSIZE_LINE)
      this.discarding = true
      this.tail = []
      this.tailBytes = 0
      return
    }
    // Copy, so a small tail does not pin the whole socket chunk in memory.
    if (this.tailBytes === 0) this.tailIsNew = true
    this.tail.push(Buffer.from(rest))
    this.tailBytes += rest.length
  }

  private collect(line: Buffer, lines: FramedLine[]): void {
    let end = line.length
    if (end > 0 && line[end - 1] === CARRIAGE_RETURN) end -= 1
    if (end > this.maxLineBytes) {
      lines.push(OVERSIZE_LINE)
      return
    }
    if (isBlank(line, end)) return
    lines.push(end === line.length ? line : line.subarray(0, end))
  }
}

function isBlank(line: Buffer, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const byte = line[i]
    if (byte !== 0x20 && byte !== 0x09) return false
  }
  return true
}
