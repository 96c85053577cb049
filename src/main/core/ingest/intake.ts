import type { ErrorReply, IngestReply, StoredReport } from '../../../shared/ingest-protocol'
import type { StoredCallback } from '../store/report-store'
import type { DeviceAdmission, MessageOrigin } from './device-admission'
import type { KnownSender, ReportParser } from './protocol/report-parser'

/** Where accepted reports go: the report store, seen through the little the intake needs of it. */
export interface ReportSink {
  /** `bytes`: the message's length, so the store can bound its batches and queue by size. */
  submit(report: StoredReport, done: StoredCallback, bytes: number): void
  readonly saturated: boolean
  once(event: 'drain', listener: () => void): unknown
}

/**
 * What a transport tells the intake about a message's sender: where it came from (for the log)
 * and what the transport itself vouches for. Built once per connection or subscription, not per
 * message.
 */
export interface IntakeContext extends MessageOrigin, KnownSender {}

/**
 * The answer owed for one message, called exactly once: an ack or an error reply for the
 * transport to send back, or null when the report was stored and nothing is owed (it had no
 * `seq`). Called before `submit` returns when the message is refused, or is a copy of a report
 * already stored; otherwise once the store has written it or failed to.
 */
export type Answer = (reply: IngestReply | null) => void

/**
 * Where every transport hands devices' messages: it parses and checks them, authenticates the
 * sender, admits the device, submits the report to the store and says what to answer. Whatever
 * the transport, the same message gets the same answer: too long → `too_large`; not a valid
 * report → the parser's error; not authenticated → `unauthorized`; a new device beyond the
 * bound → `too_many_devices`; stored → `{ ack: seq }` (nothing without `seq`); the store
 * failing → `unavailable`. A refusal carries the report's `seq` when it could be read.
 *
 * The kinds of transport it is made for:
 * - A byte stream (TCP, `tcp/`): the transport frames lines itself, submits each line, and
 *   answers a line it had to discard for its length with `tooLarge()`.
 * - Messages that arrive framed (an MQTT subscription): one payload is one message, passed to
 *   `submit` as it came. The context names the device when the topic does (`device`: a report
 *   without one takes it, one naming another is refused), and the identity when the transport
 *   checked one itself (a broker login; the report's `auth` is then not consulted). The answer is
 *   the transport's to publish back or drop; calling it means the report is stored or refused
 *   for good, the moment to acknowledge a message that would otherwise be delivered again.
 * - Documents a poller builds (Modbus registers, OPC UA nodes): `submitDocument`, with the
 *   poller's configured device and identity in the context.
 *
 * Backpressure: while `saturated` is true the store's queue is full, and a transport with
 * messages in flight should take no more input (stop reading, pause the subscription, delay the
 * next poll) until `onceDrained` calls back.
 */
export interface Intake {
  /** The longest message taken, in bytes; a framer discards longer lines as they arrive. */
  readonly maxMessageBytes: number
  /**
   * Takes one message: a line without its newline, one payload. `receivedAt` (epoch ms; now by
   * default) lets a transport give the messages of one read one time, as a device sent them.
   */
  submit(message: Buffer, context: IntakeContext, answer: Answer, receivedAt?: number): void
  /**
   * Takes a report built in the console (a poller's reading). It takes a line's path: it is
   * serialised and held to exactly the limits and checks a line is, so what is stored is what a
   * line could have carried.
   */
  submitDocument(
    document: Record<string, unknown>,
    context: IntakeContext,
    answer: Answer,
    receivedAt?: number
  ): void
  /** The answer to a message dropped for its length before it could be read whole. */
  tooLarge(): ErrorReply
  readonly saturated: boolean
  /** Calls `listener` once, when the store's queue is no longer full. */
  onceDrained(listener: () => void): void
}

export interface ReportIntakeOptions {
  parser: ReportParser
  sink: ReportSink
  /** Consulted for each parsed report before it is stored (the bound on device ids). */
  admission?: DeviceAdmission
  maxMessageBytes: number
  now?: () => number
}

const UNAVAILABLE = 'the console could not store this report; send it again later'

/** The console's intake: the parser, the device bound and the report store behind one call. */
export class ReportIntake implements Intake {
  readonly maxMessageBytes: number
  private readonly now: () => number

  constructor(private readonly options: ReportIntakeOptions) {
    this.maxMessageBytes = options.maxMessageBytes
    this.now = options.now ?? Date.now
  }

  get saturated(): boolean {
    return this.options.sink.saturated
  }

  onceDrained(listener: () => void): void {
    this.options.sink.once('drain', listener)
  }

  tooLarge(): ErrorReply {
    return {
      error: 'too_large',
      message: `line longer than ${this.maxMessageBytes} bytes; skipped`
    }
  }

  submit(message: Buffer, context: IntakeContext, answer: Answer, receivedAt?: number): void {
    if (message.length > this.maxMessageBytes) {
      answer(this.tooLarge())
      return
    }
    const parsed = this.options.parser.parse(message, receivedAt ?? this.now(), context)
    if (!parsed.ok) {
      answer(parsed.reply)
      return
    }
    const { report } = parsed
    const seq = report.seq
    const refused = this.options.admission?.refuse(report.device, context) ?? null
    if (refused !== null) {
      answer(seq === undefined ? refused : { ...refused, seq })
      return
    }
    this.options.sink.submit(
      report,
      (error) => {
        if (error !== undefined)
          answer(
            seq === undefined
              ? { error: 'unavailable', message: UNAVAILABLE }
              : { error: 'unavailable', message: UNAVAILABLE, seq }
          )
        else answer(seq === undefined ? null : { ack: seq })
      },
      message.length
    )
  }

  submitDocument(
    document: Record<string, unknown>,
    context: IntakeContext,
    answer: Answer,
    receivedAt?: number
  ): void {
    let text: string
    try {
      text = JSON.stringify(document)
    } catch (error) {
      // A cycle or a BigInt: nothing a line could have carried.
      answer({
        error: 'bad_json',
        message: `not representable as JSON: ${(error as Error).message}`
      })
      return
    }
    this.submit(Buffer.from(text), context, answer, receivedAt)
  }
}
