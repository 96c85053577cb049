import type { Socket } from 'node:net'
import { Writable, pipeline } from 'node:stream'

import type { Logger } from '../../runtime/logger'
import type { Answer, Intake, IntakeContext } from '../intake'
import { LineFramer, OVERSIZE_LINE, type FramedLine } from './line-framer'
import { ReplyWriter } from './reply-writer'

export interface ConnectionStats {
  peer: string
  bytesRead: number
  /** Reply bytes held in this process for a peer that has not read them yet. */
  replyBacklog: number
  inFlight: number
}

export interface IngestConnectionOptions {
  /** Where each line goes, and what it is answered; its limit is the longest line. */
  intake: Intake
  logger: Logger
  now: () => number
  /** Reply bytes waiting for a peer that does not read, above which reading stops. */
  replyHighWater?: number
  /** Reports of this connection submitted but not yet stored, above which reading stops. */
  maxInFlight?: number
  /** Nothing received for this long closes the connection. */
  idleTimeoutMs?: number
}

/**
 * One device connection: socket → LineFramer → a sink that hands each line to the intake and
 * writes back what the intake answers.
 *
 * Backpressure: the sink's write callback is held back while the peer is not reading its
 * replies, while this connection has too many reports in flight, or while the intake's store is
 * saturated and this connection has reports in it. The framer then fills, the socket stops being
 * read, and TCP pushes back on the sender, so memory stays bounded whatever the peer does.
 */
export class IngestConnection {
  private readonly replies: ReplyWriter
  private inFlight = 0
  private resumeSink: (() => void) | null = null
  private inputDone = false
  private waitingForDrain = false
  private framer: LineFramer | null = null
  /** When the unfinished line now held began to arrive; null when none is held. */
  private partialSince: number | null = null
  private stopping = false
  private settled: (() => void) | null = null
  private readonly replyHighWater: number
  private readonly maxInFlight: number
  private readonly context: IntakeContext
  /** One answer for every line of this connection: the reply carries the line's seq. */
  private readonly answer: Answer = (reply) => {
    this.inFlight -= 1
    if (reply !== null) this.replies.send(reply)
    this.maybeResume()
    this.settleIfDone()
  }

  constructor(
    private readonly socket: Socket,
    private readonly options: IngestConnectionOptions
  ) {
    this.replies = new ReplyWriter(socket, () => this.maybeResume())
    this.replyHighWater = options.replyHighWater ?? 64 * 1024
    this.maxInFlight = options.maxInFlight ?? 10_000
    this.context = { transport: 'tcp', peer: `${socket.remoteAddress}:${socket.remotePort}` }
  }

  /** Resolves when the peer is done and every reply owed to it has been handed to the socket. */
  run(): Promise<void> {
    const { socket } = this
    socket.setNoDelay(true)
    socket.on('drain', () => this.maybeResume())
    const sink = new Writable({
      objectMode: true,
      highWaterMark: 4,
      write: (lines: FramedLine[], _encoding, callback) => this.handle(lines, callback)
    })
    const framer = new LineFramer(this.options.intake.maxMessageBytes)
    this.framer = framer
    if (this.options.idleTimeoutMs !== undefined) {
      socket.setTimeout(this.options.idleTimeoutMs, () => {
        this.options.logger.info(
          { peer: socket.remoteAddress, minutes: this.options.idleTimeoutMs! / 60_000 },
          'closed an idle device connection'
        )
        this.close()
      })
    }
    return new Promise((resolve) => {
      this.settled = resolve
      socket.on('error', (error) => {
        this.options.logger.debug({ err: error, peer: socket.remoteAddress }, 'connection error')
        framer.destroy()
      })
      socket.on('close', () => {
        framer.destroy()
        this.endOfInput()
      })
      // The socket is allowed to stay half open: a sender that writes, then ends its side, still
      // gets its acks. pipeline() would end the socket with the input, so the socket is piped
      // into the framer by hand and only the framer → sink leg uses pipeline().
      socket.pipe(framer)
      // After the pipe's own listener: the framer has taken this chunk when this runs.
      socket.on('data', () => {
        if (framer.bufferedBytes === 0) this.partialSince = null
        else if (framer.tailIsNew || this.partialSince === null)
          this.partialSince = this.options.now()
      })
      pipeline(framer, sink, (error) => {
        if (error && error.code !== 'ERR_STREAM_PREMATURE_CLOSE') socket.destroy()
        this.endOfInput()
      })
    })
  }

  /** What this connection holds: for the console's own monitoring and for tests. */
  stats(): ConnectionStats {
    return {
      peer: this.context.peer,
      bytesRead: this.socket.bytesRead,
      replyBacklog: this.replies.buffered,
      inFlight: this.inFlight
    }
  }

  /** True when an unfinished line has been held since before `cutoff` (a slow-loris sender). */
  holdsPartialLineSince(cutoff: number): boolean {
    return (
      this.partialSince !== null &&
      this.partialSince < cutoff &&
      (this.framer?.bufferedBytes ?? 0) > 0
    )
  }

  /** Closes the connection now: what it had sent is still stored and acked if the socket lasts. */
  close(): void {
    this.stop()
    this.socket.destroy()
  }

  /** Stops reading from the peer; the replies still owed are sent before the socket is ended. */
  stop(): void {
    this.stopping = true
    this.socket.unpipe()
    this.socket.pause()
    this.endOfInput()
  }

  private handle(lines: FramedLine[], callback: () => void): void {
    // After stop(), lines still in the pipe are dropped unanswered: the store is closing, and a
    // device resends what it has no ack for.
    if (this.stopping) {
      callback()
      return
    }
    const { intake, now } = this.options
    // One time for the lines of one read: a packet's reports arrived together.
    const receivedAt = now()
    for (const line of lines) {
      if (line === OVERSIZE_LINE) {
        this.replies.send(intake.tooLarge())
        continue
      }
      // Counted before the call: the answer may come before it returns (a refusal, a resend).
      this.inFlight += 1
      intake.submit(line, this.context, this.answer, receivedAt)
    }
    if (this.blocked()) this.resumeSink = callback
    else callback()
  }

  private blocked(): boolean {
    if (this.replies.buffered > this.replyHighWater || this.inFlight >= this.maxInFlight)
      return true
    // A saturated store holds back only connections with reports still waiting in it: a device
    // that sends one report at a time goes on, one at a time, beside a flood from another
    // connection, instead of waiting for the whole flood to be stored.
    if (this.options.intake.saturated && this.inFlight > 0) {
      if (!this.waitingForDrain) {
        this.waitingForDrain = true
        this.options.intake.onceDrained(() => {
          this.waitingForDrain = false
          this.maybeResume()
        })
      }
      return true
    }
    return false
  }

  private maybeResume(): void {
    if (this.resumeSink !== null && !this.blocked()) {
      const resume = this.resumeSink
      this.resumeSink = null
      resume()
    }
  }

  private endOfInput(): void {
    this.inputDone = true
    this.settleIfDone()
  }

  private settleIfDone(): void {
    if (!this.inputDone || this.inFlight > 0 || this.settled === null) return
    const settled = this.settled
    this.settled = null
    this.replies.flush()
    if (!this.socket.destroyed) {
      this.socket.end()
      // A peer that never closes its side must not hold the connection open forever.
      setTimeout(() => this.socket.destroy(), 2000).unref()
    }
    settled()
  }
}
