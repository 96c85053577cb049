import type { Condition, Filter, FilterValue } from '../query-filter'

/**
 * A Filter as NeDB's selector: `{ time: { gte: 1 } }` becomes `{ time: { $gte: 1 } }`. For the
 * scalar fields a Filter names, NeDB's matching is compileFilter's (nedb-selector.spec.ts).
 */
export function toNedbSelector<T>(filter: Filter<T>): Record<string, unknown> {
  const selector: Record<string, unknown> = {}
  for (const [field, c] of Object.entries(filter) as Array<[string, Condition<FilterValue>]>) {
    if (c === undefined) continue
    if (c === null || typeof c !== 'object') {
      selector[field] = c
    } else if ('in' in c) {
      selector[field] = { $in: c.in }
    } else {
      const range: Record<string, FilterValue> = {}
      if (c.gt !== undefined) range.$gt = c.gt
      if (c.gte !== undefined) range.$gte = c.gte
      if (c.lt !== undefined) range.$lt = c.lt
      if (c.lte !== undefined) range.$lte = c.lte
      // An empty object would ask NeDB for a field deep-equal to {}: no bound means no condition.
      if (Object.keys(range).length > 0) selector[field] = range
    }
  }
  return selector
}
