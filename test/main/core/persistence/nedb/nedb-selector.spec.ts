import Datastore from 'nedb-promises'
import { describe, expect, it } from 'vitest'

import { toNedbSelector } from '../../../../../src/main/core/persistence/nedb/nedb-selector'
import { matchesFilter, type Filter } from '../../../../../src/main/core/persistence/query-filter'

interface Doc {
  k: string
  n?: number | string | boolean | null
  s?: string | null
}

const DOCS: Doc[] = [
  { k: 'n0', n: 0 },
  { k: 'n5', n: 5, s: 'a' },
  { k: 'n10', n: 10, s: 'b' },
  { k: 'neg', n: -3, s: 'c' },
  { k: 'str5', n: '5', s: 'a' },
  { k: 'strB', n: 'b' },
  { k: 'true', n: true },
  { k: 'false', n: false, s: null },
  { k: 'null', n: null },
  { k: 'none' }
]

const FILTERS: Array<Filter<Doc>> = [
  {},
  { n: 5 },
  { n: '5' },
  { n: null },
  { n: true },
  { s: null },
  { s: 'a' },
  { n: { in: [5, '5', null, false] } },
  { s: { in: ['a', 'c'] } },
  { n: { gt: 0 } },
  { n: { gte: 0 } },
  { n: { lt: 5 } },
  { n: { lte: 5, gte: -3 } },
  { n: { gt: '4' } },
  { n: { lt: 'z' } },
  { n: { gte: 0, lt: 'z' } },
  { n: { gte: false } },
  { n: { lte: true } },
  { n: { gte: null } },
  { n: {} },
  { n: { gte: undefined } },
  { n: { gte: 0 }, s: 'a' },
  { k: { gte: 'n', lt: 'o' }, n: { lt: 10 } }
]

/** NeDB, given the translated selector, picks exactly the documents matchesFilter picks. */
describe('toNedbSelector', () => {
  it('makes NeDB match what compileFilter matches, for every kind of condition and value', async () => {
    const ds = Datastore.create() // in memory
    await ds.insert(DOCS)
    for (const filter of FILTERS) {
      const byNedb = (await ds.find<Doc>(toNedbSelector(filter))).map((d) => d.k).sort()
      const byFilter = DOCS.filter((d) => matchesFilter(filter, d))
        .map((d) => d.k)
        .sort()
      expect({ filter, keys: byNedb }).toEqual({ filter, keys: byFilter })
    }
  })

  it('translates conditions to NeDB operators, leaving out empty bounds', () => {
    expect(toNedbSelector<Doc>({ k: 'a', n: { gte: 1, lt: 5 }, s: { in: ['x'] } })).toEqual({
      k: 'a',
      n: { $gte: 1, $lt: 5 },
      s: { $in: ['x'] }
    })
    expect(toNedbSelector<Doc>({ n: {}, s: undefined })).toEqual({})
  })
})
