import { describe, expect, it } from 'vitest'

import {
  compileFilter,
  matchesFilter,
  type Filter
} from '../../../../src/main/core/persistence/query-filter'
import type { StoredReport } from '../../../../src/shared/ingest-protocol'

const r = (device: string, time: number): StoredReport => ({ device, time, identity: 'anonymous' })

describe('compileFilter', () => {
  it('matches every document with an empty filter or empty bounds', () => {
    expect(matchesFilter({}, r('a', 1))).toBe(true)
    expect(matchesFilter({ time: {} }, r('a', 1))).toBe(true)
    expect(matchesFilter({ time: { gte: undefined, lte: undefined } }, r('a', 1))).toBe(true)
  })

  it('holds every field to its condition', () => {
    const filter: Filter<StoredReport> = { device: 'a', time: { gte: 10, lte: 20 } }
    const matching = compileFilter(filter)
    expect([r('a', 10), r('a', 20), r('a', 9), r('a', 21), r('b', 15)].map(matching)).toEqual([
      true,
      true,
      false,
      false,
      false
    ])
    const strict = compileFilter<StoredReport>({ time: { gt: 10, lt: 20 } })
    expect([10, 11, 19, 20].map((t) => strict(r('a', t)))).toEqual([false, true, true, false])
    const among = compileFilter<StoredReport>({ device: { in: ['a', 'c'] } })
    expect(['a', 'b', 'c'].map((d) => among(r(d, 1)))).toEqual([true, false, true])
  })
})
