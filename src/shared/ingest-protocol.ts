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
  'unavailable',
  'too_many_devices'
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
  authMaxLength: 1024
} as const

/**
 * What a stored document — a report, a message's `data` — may be; beyond these it is refused with
 * `invalid_field` before it reaches the store. The store's document check (NeDB's) visits every
 * value inside an array twice, so a value under k arrays costs 2^k visits: a report of 100 bytes
 * nesting 32 arrays took minutes to store. The cost of the worst allowed document is values ×
 * 2^arrays, and these bounds keep it to tens of milliseconds (`npm run bench`, step 6).
 * Measured figures and the reasoning are in docs/protocol.md, under "Fields".
 */
export const DOCUMENT_LIMITS = {
  /** Deepest nesting of objects and arrays; the document itself is level 1. Linear in cost. */
  maxDepth: 32,
  /**
   * Most arrays on one path from the document down (an array in an object in an array counts
   * two): the exponent of the cost. 4 holds a matrix of records with arrays, or GeoJSON's
   * MultiPolygon coordinates, and multiplies the cost of a value by 16 at most.
   */
  maxArrayDepth: 4,
  /**
   * Fields and array elements at every depth, counted together: about what a 64 KiB line holds
   * of typical numbers, and the factor the cost grows by linearly.
   */
  maxValues: 10_000
} as const
