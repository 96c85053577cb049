/**
 * Ingest protocol v1: what devices send over TCP and what the console answers.
 * Types and constants only; docs/protocol.md is the prose version of this file.
 */

/** Error codes a device can receive, one per rejected line. */
export const INGEST_ERROR_CODES = [
  'bad_json',
  'not_object',
  'invalid_field',
  'too_large',
  'unauthorized',
  'unavailable'
] as const

export type IngestErrorCode = (typeof INGEST_ERROR_CODES)[number]

/** Sent for every accepted report that carries `seq`, after it is written to the store. */
export interface AckReply {
  ack: number
}

/** Sent for every rejected line. `seq` is present when it could be read from the line. */
export interface ErrorReply {
  error: IngestErrorCode
  message: string
  seq?: number
}

export type IngestReply = AckReply | ErrorReply

/** A report as a device sends it. Every field not named here is payload, stored as sent. */
export interface DeviceReport {
  device: string
  auth?: string
  seq?: number
  ts?: number
  [field: string]: unknown
}

/** A report as the console stores and serves it: `auth` removed, `time` and `identity` added. */
export interface StoredReport {
  _id?: string
  device: string
  seq?: number
  ts?: number
  /** Receive time on the console, epoch milliseconds. */
  time: number
  /** The identity the device token maps to; `anonymous` when none was required. */
  identity: string
  [field: string]: unknown
}

/** Top-level names the console sets itself; a report that carries one is rejected, never overwritten. */
export const RESERVED_REPORT_FIELDS = ['_id', 'time', 'identity'] as const

export const ANONYMOUS_IDENTITY = 'anonymous'

export const INGEST_LIMITS = {
  /** Default maximum length of one line in bytes, without its newline. */
  maxLineBytes: 64 * 1024,
  deviceIdMaxLength: 128,
  authMaxLength: 1024,
  /** Deepest nesting of objects and arrays accepted in a report. */
  maxDepth: 32
} as const
