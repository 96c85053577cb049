/** A value a filter compares with: filters never look inside objects or arrays. */
export type FilterValue = string | number | boolean | null

/** The fields of `T` a filter can name: those that hold a FilterValue. */
export type FilterField<T> = {
  [K in keyof T]-?: Exclude<T[K], undefined> extends FilterValue ? K : never
}[keyof T] &
  string

/** Bounds on a field; numbers compare with numbers, strings with strings, nothing else matches. */
export interface Range<V> {
  readonly gt?: V
  readonly gte?: V
  readonly lt?: V
  readonly lte?: V
}

/** A field equal to a value, equal to one of a list, or within a range. */
export type Condition<V> = V | { readonly in: readonly V[] } | Range<V>

/**
 * The one query filter of every backend: documents whose named fields all meet their condition
 * (`{}` matches every document). NeDB is handed it translated to a selector
 * (nedb/nedb-selector.ts); anything that reads documents itself (a closed partition read straight
 * from its file) tests them with compileFilter. Both must agree: the NeDB selector spec holds
 * them to it.
 */
export type Filter<T> = {
  readonly [K in FilterField<T>]?: Condition<Exclude<T[K], undefined>>
}

type Test = (doc: Record<string, unknown>) => boolean

/**
 * The filter as one predicate, built once per query: a scan then pays a field test or two per
 * document, not a walk over the filter.
 */
export function compileFilter<T>(filter: Filter<T>): (doc: T) => boolean {
  const tests: Test[] = []
  for (const [field, condition] of Object.entries(filter) as Array<[string, unknown]>) {
    const test = fieldTest(field, condition as Condition<FilterValue> | undefined)
    if (test !== null) tests.push(test)
  }
  const [first, second] = tests
  let matching: Test
  if (first === undefined) matching = () => true
  else if (second === undefined) matching = first
  else if (tests.length === 2) matching = (doc) => first(doc) && second(doc)
  else matching = (doc) => tests.every((t) => t(doc))
  return matching as unknown as (doc: T) => boolean
}

/** Whether one document meets the filter (for a single test; compile it for a scan). */
export function matchesFilter<T>(filter: Filter<T>, doc: T): boolean {
  return compileFilter(filter)(doc)
}

function fieldTest(field: string, condition: Condition<FilterValue> | undefined): Test | null {
  if (condition === undefined) return null
  if (condition === null || typeof condition !== 'object') {
    return (doc) => doc[field] === condition
  }
  if ('in' in condition) {
    const values = new Set<unknown>(condition.in)
    return (doc) => {
      const value = doc[field]
      return value !== undefined && values.has(value)
    }
  }
  const { gt, gte, lt, lte } = condition
  if (gt === undefined && gte === undefined && lt === undefined && lte === undefined) return null
  // Only numbers and strings compare, each with its own kind, as in NeDB: a bound of another
  // type, a null or boolean (as value or bound) and a missing field never match.
  return (doc) => {
    const value = doc[field]
    const type = typeof value
    if (type !== 'number' && type !== 'string') return false
    const v = value as number | string
    return (
      (gt === undefined || (typeof gt === type && v > gt!)) &&
      (gte === undefined || (typeof gte === type && v >= gte!)) &&
      (lt === undefined || (typeof lt === type && v < lt!)) &&
      (lte === undefined || (typeof lte === type && v <= lte!))
    )
  }
}
