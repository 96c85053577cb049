/**
 * History beyond the latest reports: downsampled series (`GET /api/series`), exports
 * (`GET /api/export`) and the lossless stream for integrations (`ws://…/stream`). Types and
 * constants only; docs/protocol.md is the prose version.
 */

/**
 * One bucket of a series: the reports of one device received in `[t, t + bucketMs)` that carry
 * the field as a number (a boolean counts as 0 or 1). Buckets with no such report are left out,
 * so a gap in the data is a gap in `t`.
 */
export interface SeriesBucket {
  /** The bucket's start, epoch ms: a whole multiple of the series' `bucketMs`. */
  t: number
  min: number
  max: number
  avg: number
  count: number
  /** The value of the newest report in the bucket. */
  last: number
}

export interface FieldSeries {
  /** As asked: a top-level name or a dotted path into nested objects (`motor.temp`). */
  field: string
  buckets: SeriesBucket[]
}

/** What `GET /api/series` answers. */
export interface SeriesBody {
  device: string
  since: number
  until: number
  /**
   * The width of every bucket, ms: the smallest of the widths in SERIES_BUCKET_WIDTHS_MS that
   * leaves at most `points` buckets from `since` to `until`. Buckets are aligned to it (UTC), so
   * the first and the last may reach outside the range by less than a bucket.
   */
  bucketMs: number
  series: FieldSeries[]
}

/** `GET /api/series?device=&field=&since=&until=&points=`, as the operation takes it. */
export interface SeriesQuery {
  device: string
  /** One or more fields; repeated as `field=a&field=b` in the URL. */
  fields: string[]
  since: number
  until: number
  points?: number
}

/**
 * The widths a series' buckets may have, ms, smallest first: each a whole multiple of 1 minute
 * from 1 minute on and of 1 hour from 1 hour on, so the rollups answer any width from a minute
 * up without reading a report. Widths under a minute are read from the reports themselves.
 */
export const SERIES_BUCKET_WIDTHS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000,
  300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000,
  86_400_000, 172_800_000, 604_800_000
] as const

export const SERIES_LIMITS = {
  defaultPoints: 1500,
  maxPoints: 10_000,
  /** Fields one series request may name. */
  maxFields: 16,
  /** Longest field path, in characters. */
  maxFieldLength: 256
} as const

export type ExportFormat = 'csv' | 'ndjson'

/** `GET /api/export?device=&since=&until=&format=&field=`, as the operation takes it. */
export interface ExportQuery {
  /** One device; every device when left out. */
  device?: string
  since?: number
  until?: number
  format: ExportFormat
  /** Only these fields (dotted paths) as columns (CSV) or keys (NDJSON); every field when left out. */
  fields?: string[]
}

export const EXPORT_LIMITS = {
  /**
   * Most field columns of one CSV export: the fields past it, in the order first seen, are
   * written together as JSON in the last column, `other_fields`, rather than as a column each.
   */
  maxColumns: 2000,
  /** Fields one export may name (`field=`). */
  maxFields: 256,
  /** Longest field path, in characters. */
  maxFieldLength: 256,
  /**
   * Exports running at once, over HTTP and in the desktop window together: each reads the
   * store from disk for as long as its range asks. One more is answered `too_soon` (429).
   */
  maxAtOnce: 4
} as const

/** The fixed first columns of a CSV export; the fields' columns follow them. */
export const EXPORT_CSV_COLUMNS = ['time', 'time_ms', 'device', 'identity', 'seq', 'ts'] as const

/** The last column of a CSV export whose fields outnumber `maxColumns`. */
export const EXPORT_OTHER_FIELDS_COLUMN = 'other_fields'

/**
 * The response header of an export that says how many reports the range holds at most (from the
 * partitions' counts, before filtering by time): what a progress bar can measure against.
 */
export const EXPORT_ESTIMATE_HEADER = 'x-lookout-estimated-reports'

/** What the desktop window's export answers once the file is written (or the user cancelled). */
export type ExportOutcome =
  { saved: true; path: string; reports: number; bytes: number } | { saved: false }

/**
 * Sent to the window while it writes an export: the share of the range done, 0–1. `id` is the
 * one the export was asked with, so a window that runs two tells them apart.
 */
export interface ExportProgress {
  id: string
  reports: number
  fraction: number
}

/** Longest id the window may give an export (to follow its progress and cancel it). */
export const EXPORT_ID_MAX_LENGTH = 64

/** The plain WebSocket stream for integrations (see docs/protocol.md, "The report stream"). */
export const STREAM_PATH = '/stream'

/**
 * Close codes of `/stream` (4000–4999 is the application's range in RFC 6455): a client may
 * match on them, and none is ever renamed.
 */
export const STREAM_CLOSE_CODES = {
  /** No key, or a wrong one, within the first message's time. */
  unauthorized: 4401,
  /** A parameter is not understood (the reason names it). */
  badRequest: 4400,
  /** `after` names no report the console keeps (retention deleted it, or it never was). */
  unknownReport: 4404,
  /** Too many streams open at once. */
  tooMany: 4429,
  /** Too many wrong keys from this address lately. */
  throttled: 4430
} as const

/** The first message a client sends when it does not authenticate with a header. */
export interface StreamHello {
  key: string
}

/** The query parameters `/stream` takes; any other is refused (`badRequest`), a typo included. */
export const STREAM_PARAMS = ['device', 'after', 'since'] as const

/** Bounds of `/stream`; how many may be open at once is `--max-streams`. */
export const STREAM_LIMITS = {
  /** `--max-streams`' default. */
  defaultMaxStreams: 64,
  /** `device=` patterns one stream may name, as many as a device token may. */
  maxPatterns: 50,
  /** The longest pattern, in characters: a device id's longest. */
  maxPatternLength: 128,
  /** The longest query string, in bytes as sent. */
  maxQueryBytes: 8192,
  /** How long the first message may take to come when no `Authorization` header was sent, ms. */
  helloWithinMs: 5000,
  /** The largest message a client may send (its `{"key":"…"}`), bytes. */
  maxClientMessageBytes: 4096,
  /** A ping goes out this often, ms; a connection that did not answer the previous one is cut. */
  heartbeatMs: 30_000
} as const
