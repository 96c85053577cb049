import { DOCUMENT_LIMITS } from '../../../../shared/ingest-protocol'

/**
 * Why the store could not keep `value` faithfully, or keep it cheaply — a message naming the
 * rule or the limit — or null when it may be stored. The one check for every path that stores
 * what a device or client sent (ingest reports, message data, and sources added later):
 *
 * - `$`-prefixed and dotted names (NeDB refuses them) and `__proto__` (it would re-parent the
 *   stored copy), at any depth;
 * - numbers beyond a double's range: JSON allows 1e999, JavaScript reads it as Infinity, which
 *   the store would write as null, so what is shown live would differ from history;
 * - the shape limits in DOCUMENT_LIMITS: nesting depth, arrays within arrays, values in all;
 * - objects that are not plain JSON (a Date, a Map, a class instance): the store writes plain
 *   JSON lines (persistence/nedb/plain-line-append.ts) and would not read them back as they were.
 *
 * Iterative, never recursive (a deeply nested value must not exhaust the stack), and it stops at
 * the first problem, so its own cost is bounded by the limits whatever it is given.
 */
export function whyNotStorable(value: unknown): string | null {
  if (typeof value === 'number' && !Number.isFinite(value)) return outOfRange()
  if (typeof value !== 'object' || value === null) return null
  const { maxDepth, maxArrayDepth, maxValues } = DOCUMENT_LIMITS
  let values = 0
  const stack: Container[] = [container(value, 1, 0)]
  while (stack.length > 0) {
    const { value: node, depth, arrays, isArray } = stack.pop()!
    if (!isArray && !isPlainObject(node)) return 'only plain JSON objects, arrays and values'
    if (depth > maxDepth) return `nested deeper than ${maxDepth} levels`
    if (arrays > maxArrayDepth) return `arrays nested deeper than ${maxArrayDepth} levels`
    for (const name in node) {
      if (!Object.hasOwn(node, name)) continue
      if (++values > maxValues) return `more than ${maxValues} values (fields and array elements)`
      if (!isArray) {
        if (name.startsWith('$')) return `${name}: field names must not start with "$"`
        if (name.includes('.')) return `${name}: field names must not contain "."`
        if (name === '__proto__') return '__proto__: not allowed as a field name'
      }
      const child = (node as Record<string, unknown>)[name]
      if (typeof child === 'number' && !Number.isFinite(child)) return outOfRange(name)
      if (typeof child === 'object' && child !== null)
        stack.push(container(child, depth + 1, arrays))
    }
  }
  return null
}

interface Container {
  value: object
  /** 1 for the document itself. */
  depth: number
  /** Arrays on the path from the document down to and including this one. */
  arrays: number
  isArray: boolean
}

function container(value: object, depth: number, arraysAbove: number): Container {
  const isArray = Array.isArray(value)
  return { value, depth, arrays: isArray ? arraysAbove + 1 : arraysAbove, isArray }
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

function outOfRange(name?: string): string {
  return `${name === undefined ? '' : `${name}: `}number out of range (beyond ±1.8e308)`
}
