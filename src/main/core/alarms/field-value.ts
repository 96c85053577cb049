/**
 * The value of a report's field as a rule names it: the report's own field of exactly that
 * name when it has one (a device may send `"a.b"` as one name), else the path `a.b.c` walked
 * through plain objects. Only own properties are read, so `__proto__`, `constructor` or
 * `toString` never reach the prototype; undefined when the field is missing.
 */
export function fieldValue(report: unknown, path: string | undefined): unknown {
  if (typeof path !== 'string' || path === '' || !isPlainObject(report)) return undefined
  if (Object.hasOwn(report, path)) return ownValue(report, path)
  let at: unknown = report
  for (const key of path.split('.')) {
    if (!isPlainObject(at) || !Object.hasOwn(at, key)) return undefined
    at = ownValue(at, key)
  }
  return at
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** Read through the descriptor: a data property's value, never a getter run. */
function ownValue(object: object, key: string): unknown {
  return Object.getOwnPropertyDescriptor(object, key)?.value
}
