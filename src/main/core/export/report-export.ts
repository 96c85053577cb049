import { EXPORT_LIMITS, type ExportQuery } from '../../../shared/history-types'
import type { StoredReport } from '../../../shared/ingest-protocol'
import type { ScanQuery } from '../store/partition-info'
import type { FieldPathsPart } from '../store/scan-field-paths'
import { ExportColumns } from './export-columns'
import {
  ChosenCsvRows,
  ChosenNdjsonRows,
  CsvRows,
  NdjsonRows,
  type ReportRows
} from './report-rows'

/** What an export reads: the store's scan, and its estimate of what a scan holds. */
export interface ExportSource {
  scan(query: ScanQuery): AsyncIterable<StoredReport[]>
  /** At most how many reports a scan of `query` yields (from the partitions' counts). */
  estimateScan(query: ScanQuery): number
  /** The field paths of what a scan of `query` yields: kept ones, or reports to take them from. */
  fieldPaths(query: ScanQuery): AsyncIterable<FieldPathsPart>
  /** The id of the newest report stored, when known. */
  newestId(): string | undefined
}

/** One export, before it is read: what to call and label the file, and its text in chunks. */
export interface ReportExport {
  filename: string
  contentType: string
  /** At most how many reports it holds: what a progress bar measures against. */
  estimate: number
  /** The file's text, made as it is read: read it once. */
  chunks: AsyncIterable<string>
  /** How far it got: reports handed out in chunks, and the share of the work done, 0–1. */
  progress(): { reports: number; fraction: number }
}

export interface ReportExportOptions {
  /** The time `until` stands for when not given, and the file's name says. */
  now: number
  /** Characters per chunk handed out; about 64 KiB by default. */
  chunkChars?: number
  /** Reports per chunk read from the store. */
  scanChunk?: number
  maxColumns?: number
}

const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8'
} as const

/**
 * An export of the reports a query selects, oldest first, made as it is read: the store is
 * scanned a chunk at a time and the text handed out in chunks of about 64 KiB, so an export of
 * any size takes constant memory, and a reader that is slow paces the scan.
 *
 * A CSV of every field gathers its columns first (the header comes first, so it must know them
 * all): from the field paths each partition's rollup keeps, reading only the reports of a
 * partition the range cuts or whose paths are not kept. The rows then stop at the newest
 * report stored when the columns were gathered, so a report stored meanwhile cannot bring a
 * field the header lacks. A range open at its end stops at `now`: an export is of what was
 * stored when it was asked for.
 */
export function reportExport(
  source: ExportSource,
  query: ExportQuery,
  options: ReportExportOptions
): ReportExport {
  const until = query.until ?? options.now
  const scan: ScanQuery = {
    ...(query.device !== undefined && { devices: [query.device] }),
    ...(query.since !== undefined && { since: query.since }),
    until,
    chunk: options.scanChunk ?? DEFAULT_SCAN_CHUNK
  }
  const estimate = source.estimateScan(scan)
  const chunkChars = options.chunkChars ?? 64 * 1024
  const twoPasses = query.format === 'csv' && query.fields === undefined
  let collected = 0
  let written = 0

  async function* chunks(): AsyncGenerator<string> {
    let rows: ReportRows
    let lastId: string | undefined
    if (query.format === 'ndjson')
      rows = query.fields === undefined ? new NdjsonRows() : new ChosenNdjsonRows(query.fields)
    else if (query.fields !== undefined) rows = new ChosenCsvRows(query.fields)
    else {
      const columns = new ExportColumns(options.maxColumns ?? EXPORT_LIMITS.maxColumns)
      const newest = source.newestId()
      for await (const part of source.fieldPaths(scan)) {
        if ('paths' in part) {
          for (const path of part.paths) columns.collectPath(path)
          collected += part.count
          continue
        }
        for (const report of part.reports)
          if (newest === undefined || report._id! <= newest) columns.collect(report)
        collected += part.reports.length
      }
      lastId = newest
      rows = new CsvRows(columns)
    }
    let text = rows.header()
    let pending = 0
    reading: for await (const reports of source.scan(scan)) {
      for (const report of reports) {
        if (lastId !== undefined && report._id! > lastId) break reading
        text += rows.row(report)
        pending += 1
        if (text.length >= chunkChars) {
          written += pending
          pending = 0
          yield text
          text = ''
        }
      }
    }
    written += pending
    if (text.length > 0) yield text
  }

  return {
    filename: exportFilename(query, until),
    contentType: CONTENT_TYPES[query.format],
    estimate,
    chunks: chunks(),
    progress: () => {
      const done = twoPasses ? collected + written : written
      const whole = twoPasses ? 2 * estimate : estimate
      return { reports: written, fraction: whole === 0 ? 0 : Math.min(1, done / whole) }
    }
  }
}

/**
 * Reports per chunk read from the store: few enough to be a few MB, enough that the awaits
 * between chunks cost little. (The active partition's reads once gathered and sorted every
 * report after the cursor, which made small chunks quadratic; they now cost what they read.)
 */
const DEFAULT_SCAN_CHUNK = 5000

/** `lookout-<device or all>-<from>-<to>.<csv|ndjson>`, the times in compact ISO 8601 (UTC). */
export function exportFilename(query: ExportQuery, until: number): string {
  const from = query.since === undefined ? 'start' : compactTime(query.since)
  return `lookout-${query.device ?? 'all'}-${from}-${compactTime(until)}.${query.format}`
}

/** 2026-11-23T08:00:00.000Z as 20261123T080000Z. */
function compactTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '')
}
