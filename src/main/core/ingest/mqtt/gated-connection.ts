import type { Socket } from 'node:net'
import { Duplex } from 'node:stream'

import { FrameWatch } from './frame-watch'

/**
 * A client's socket as aedes sees it, with a gate on its input. aedes reads whatever arrives,
 * however many of the client's packets it is still handling, so the broker holds the gate
 * (`hold`) while a client has too many reports in the store: the socket is then not read, and
 * TCP pushes back on the sender. Every byte read passes a FrameWatch first: a packet announced
 * over the limit closes the connection before its body is buffered.
 */
export class GatedConnection extends Duplex {
  private held = false
  private wanted = true
  private corked = false
  private writeDone: ((error?: Error | null) => void) | null = null

  constructor(
    private readonly socket: Socket,
    watch: FrameWatch,
    onTooLarge: () => void
  ) {
    super({ allowHalfOpen: false })
    socket.on('data', (chunk: Buffer) => {
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

  /**
   * aedes writes each packet on its own (a PUBACK is 4 bytes); corked until the end of this
   * tick, the acknowledgements of one store batch leave in one write.
   */
  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null) => void
  ): void {
    if (!this.corked) {
      this.corked = true
      this.socket.cork()
      process.nextTick(() => {
        this.corked = false
        this.socket.uncork()
      })
    }
    if (this.socket.write(chunk)) done()
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
