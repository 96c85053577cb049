import type { StoredReport } from '../../../shared/ingest-protocol'

/**
 * Objects are followed this many levels down (`motor.bearing.temp` is three); deeper ones are
 * shown whole, as one value. A device may nest without end: a bound keeps one report's walk short.
 */
export const MAX_FIELD_DEPTH = 4

/** What the console stamps on a report, and the two bookkeeping fields a device sends. */
const NOT_MEASUREMENTS = new Set(['_id', 'device', 'time', 'identity', 'seq', 'ts'])

/**
 * A report's measurements as `[path, value]`, in the order the device sent them: nested objects
 * as dotted paths (`motor.temp`), arrays and objects deeper than MAX_FIELD_DEPTH as one value.
 * Lazy, so a caller that needs the first few of 10,000 fields walks only those.
 */
export function* reportEntries(report: StoredReport): Generator<[string, unknown]> {
  for (const [name, value] of Object.entries(report))
    if (!NOT_MEASUREMENTS.has(name)) yield* entriesOf(name, value, 1)
}

function* entriesOf(path: string, value: unknown, depth: number): Generator<[string, unknown]> {
  if (depth < MAX_FIELD_DEPTH && isPlainObject(value)) {
    for (const [name, inner] of Object.entries(value))
      yield* entriesOf(`${path}.${name}`, inner, depth + 1)
  } else yield [path, value]
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The paths of a report's numeric measurements, at most `limit` of them (the first sent): a
 * report of 10,000 fields costs what `limit` do.
 */
export function numericPaths(report: StoredReport, limit: number): string[] {
  const paths: string[] = []
  for (const [path, value] of reportEntries(report)) {
    if (paths.length >= limit) break
    if (isReading(value)) paths.push(path)
  }
  return paths
}

/** The number at a dotted path of a report, or undefined when there is none there. */
export function readingAt(report: StoredReport, path: string): number | undefined {
  let value: unknown = report
  for (const part of path.split('.')) {
    if (!isPlainObject(value)) return undefined
    value = value[part]
  }
  return isReading(value) ? value : undefined
}

/** A value a chart can draw: a finite number (JSON has no other, but a bridge might). */
export function isReading(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}
