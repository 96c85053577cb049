import type { Socket } from 'node:net'
import { Duplex } from 'node:stream'

import { CONNACK_UNACCEPTABLE_LEVEL, ConnectLevel } from './connect-level'
import { FrameWatch } from './frame-watch'

/**
 * A client's socket as aedes sees it, with a gate on its input. aedes reads whatever arrives,
 * however many of the client's packets it is still handling, so the broker holds the gate
 * (`hold`) while a client has too many reports in the store: the socket is then not read, and
 * TCP pushes back on the sender. Every byte read passes a FrameWatch first: a packet announced
 * over the limit closes the connection before its body is buffered. A first CONNECT of a
 * protocol level the parser does not know is answered CONNACK 0x01 here, and the connection
 * closed, since aedes would close it without a word.
 */
export class GatedConnection extends Duplex {
  private held = false
  private wanted = true
  private writeDone: ((error?: Error | null) => void) | null = null

  constructor(
    private readonly socket: Socket,
    watch: FrameWatch,
    onTooLarge: () => void
  ) {
    super({ allowHalfOpen: false })
    const level = new ConnectLevel()
    socket.on('data', (chunk: Buffer) => {
      if (level.take(chunk) === 'unacceptable') {
        socket.end(CONNACK_UNACCEPTABLE_LEVEL)
        socket.removeAllListeners('data')
        return
      }
      if (!watch.take(chunk)) {
        onTooLarge()
        this.destroy()
        return
      }
      if (!this.push(chunk)) {
        this.wanted = false
        socket.pause()
      }
    })
    socket.on('end', () => this.push(null))
    socket.on('drain', () => {
      const done = this.writeDone
      this.writeDone = null
      done?.()
    })
    socket.on('error', (error) => this.destroy(error))
    socket.on('close', () => this.destroy())
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort
  }

  /** Stops reading the socket until `release`. */
  hold(): void {
    if (this.held) return
    this.held = true
    this.socket.pause()
  }

  release(): void {
    if (!this.held) return
    this.held = false
    if (this.wanted) this.socket.resume()
  }

  override _read(): void {
    this.wanted = true
    if (!this.held) this.socket.resume()
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null) => void
  ): void {
    this.send(chunk, done)
  }

  /**
   * mqtt-packet corks this stream for the rest of the tick around every packet it writes, in
   * pieces (a PUBACK is three writes of 1 + 1 + 2 bytes): what one tick wrote — the
   * acknowledgements of a whole store batch — arrives here at once and leaves in one write.
   */
  override _writev(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    done: (error?: Error | null) => void
  ): void {
    this.send(
      chunks.length === 1 ? chunks[0]!.chunk : Buffer.concat(chunks.map((c) => c.chunk)),
      done
    )
  }

  private send(data: Buffer, done: (error?: Error | null) => void): void {
    if (this.socket.write(data)) done()
    else this.writeDone = done
  }

  override _final(done: (error?: Error | null) => void): void {
    this.socket.end()
    done()
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.socket.destroy()
    const pending = this.writeDone
    this.writeDone = null
    pending?.(error ?? new Error('connection closed'))
    done(error)
  }
}
