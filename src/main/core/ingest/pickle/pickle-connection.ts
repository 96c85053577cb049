import type { Socket } from 'node:net'

import type { RateLimitedLog } from '../../runtime/log-rate-limit'
import type { Answer, Intake, IntakeContext } from '../intake'
import { PickleStreamDecoder, pickleLimits } from './pickle-decoder'
import { isPickleDict } from './pickle-values'

export interface PickleConnectionOptions {
  intake: Intake
  /** The identity a device token stands for, or undefined: a report without `device` takes it. */
  identityOf: (token: string) => string | undefined
  /** Refused streams (closed): one line per address a minute. */
  refusals: RateLimitedLog
  /** Pickles dropped and reports the intake refused (kept open): at debug, rate-limited. */
  drops: RateLimitedLog
  /** Reports of this connection submitted and not yet stored, above which it is not read. */
  maxInFlight?: number
  /** The receive time of reports. */
  now: () => number
}

/**
 * One legacy pickle reporter: socket → PickleStreamDecoder → each dict to the intake as a
 * report. Nothing is written back (the devices this serves never read): an answer is dropped,
 * a refusal logged. A stream that names a class or callable is closed at once.
 */
export class PickleConnection {
  private inFlight = 0
  private paused = false
  private readonly decoder: PickleStreamDecoder
  private readonly context: IntakeContext
  private readonly address: string
  private readonly maxInFlight: number
  private readonly answer: Answer = (reply) => {
    this.inFlight -= 1
    if (reply !== null && 'error' in reply)
      this.options.drops.log(
        this.address,
        { peer: this.context.peer, error: reply.error, reason: reply.message },
        'refused a pickled report (no reply is sent on this port)'
      )
    this.maybeResume()
  }

  constructor(
    private readonly socket: Socket,
    private readonly options: PickleConnectionOptions
  ) {
    this.decoder = new PickleStreamDecoder(pickleLimits(options.intake.maxMessageBytes))
    this.address = deviceAddress(socket.remoteAddress ?? 'unknown')
    this.context = { transport: 'pickle', peer: `${socket.remoteAddress}:${socket.remotePort}` }
    this.maxInFlight = options.maxInFlight ?? 1000
  }

  /** Pickles held unfinished, in bytes (for tests and diagnostics). */
  get bufferedBytes(): number {
    return this.decoder.bufferedBytes
  }

  /** Resolves when the socket is closed. */
  run(): Promise<void> {
    const { socket } = this
    return new Promise((resolve) => {
      socket.on('data', (chunk: Buffer) => this.take(chunk))
      socket.on('error', () => undefined)
      socket.on('end', () => socket.end())
      socket.on('close', () => resolve())
    })
  }

  close(): void {
    this.socket.destroy()
  }

  private take(chunk: Buffer): void {
    const { events, refused } = this.decoder.push(chunk)
    const receivedAt = this.options.now()
    for (const event of events) {
      if (event.kind === 'dropped') {
        this.dropped(`dropped a pickle: ${event.reason}`)
        continue
      }
      if (!isPickleDict(event.value)) {
        this.dropped('dropped a pickle that is not a dict: a report is a dict')
        continue
      }
      this.submit(event.value, receivedAt)
    }
    if (refused !== null) {
      this.options.refusals.log(
        this.address,
        { peer: this.context.peer, reason: refused },
        `closed a pickle connection: ${refused}; nothing in it was run`
      )
      this.socket.destroy()
      return
    }
    if (this.inFlight >= this.maxInFlight || (this.options.intake.saturated && this.inFlight > 0))
      this.pause()
  }

  private submit(document: Record<string, unknown>, receivedAt: number): void {
    if (document.device === undefined) {
      const identity =
        typeof document.auth === 'string' ? this.options.identityOf(document.auth) : undefined
      document.device = identity ?? this.address
    }
    this.inFlight += 1
    this.options.intake.submitDocument(document, this.context, this.answer, receivedAt)
  }

  private dropped(message: string): void {
    this.options.drops.log(this.address, { peer: this.context.peer }, message)
  }

  private pause(): void {
    if (this.paused) return
    this.paused = true
    this.socket.pause()
    if (this.options.intake.saturated) this.options.intake.onceDrained(() => this.maybeResume())
  }

  private maybeResume(): void {
    if (!this.paused || this.inFlight >= this.maxInFlight) return
    if (this.options.intake.saturated && this.inFlight > 0) {
      this.options.intake.onceDrained(() => this.maybeResume())
      return
    }
    this.paused = false
    this.socket.resume()
  }
}

/** The peer's address as a device id: an IPv4 address without its IPv6 mapping prefix. */
export function deviceAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}
