import type { Socket } from 'node:net'

import type { IngestReply } from '../../../../shared/ingest-protocol'

/**
 * Coalesces the replies of one connection into one socket write per event-loop turn: a batch
 * commit acks hundreds of reports at once, and one write beats hundreds of syscalls.
 */
export class ReplyWriter {
  private pending = ''
  private scheduled = false

  /** `onFlushed` runs after each write: a write the kernel takes at once emits no 'drain'. */
  constructor(
    private readonly socket: Socket,
    private readonly onFlushed: () => void
  ) {}

  send(reply: IngestReply): void {
    this.pending += JSON.stringify(reply) + '\n'
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(() => this.flush())
    }
  }

  /** Bytes accepted by the socket but not yet sent to the peer, plus what is waiting here. */
  get buffered(): number {
    return this.socket.writableLength + this.pending.length
  }

  flush(): void {
    this.scheduled = false
    if (this.pending.length === 0) return
    const text = this.pending
    this.pending = ''
    if (this.socket.writable) this.socket.write(text)
    this.onFlushed()
  }
}
