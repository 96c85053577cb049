/** Top-level fields that are not a device's values: the protocol's and the console's own. */
export const NOT_VALUES: ReadonlySet<string> = new Set([
  '_id',
  'device',
  'seq',
  'ts',
  'time',
  'identity'
])

/**
 * The number a series counts for a value: a finite number as it is, a boolean as 0 or 1;
 * undefined for anything else (strings, null, objects, arrays).
 */
export function seriesNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value === 'boolean') return value ? 1 : 0
  return undefined
}

/**
 * The value a series of `path` (a field's dotted path, split at its dots) counts in a report:
 * through nested objects, never into arrays, never a field of NOT_VALUES. The rollups count
 * exactly these (partition-rollup.ts), so reading the reports answers what they would.
 */
export function seriesValueAt(report: object, path: readonly string[]): number | undefined {
  if (NOT_VALUES.has(path[0]!)) return undefined
  let value: unknown = report
  for (const name of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
    if (!Object.hasOwn(value, name)) return undefined
    value = (value as Record<string, unknown>)[name]
  }
  return seriesNumber(value)
}

/**
 * A value whose fields are paths of their own (`motor: { rpm }` makes `motor.rpm`): a plain
 * object with at least one field. Anything else ends a path — a scalar, an array, `{}`.
 */
export function isBranch(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  for (const _ in value) return true
  return false
}
