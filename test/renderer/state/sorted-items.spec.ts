import { describe, expect, it } from 'vitest'

import { SortedItems } from '../../../src/renderer/src/state/sorted-items'

interface Item {
  id: string
  n: number
}

describe('SortedItems', () => {
  it('keeps every item in id order while changes come a few at a time', () => {
    const items = new SortedItems<Item>((i) => i.id)
    const ids = Array.from({ length: 10_000 }, (_, i) => `dev-${(i * 7919) % 10_000}`)
    let all = items.apply(
      ids.map((id) => ({ id, n: 0 })),
      true
    )
    expect(all.map((i) => i.id)).toEqual([...ids].sort())
    all = items.apply(
      [
        { id: 'dev-5', n: 1 },
        { id: 'aaa', n: 1 },
        { id: 'zzz', n: 1 },
        { id: 'dev-5', n: 2 } // twice in one event: the later one counts, listed once
      ],
      false
    )
    expect(all).toHaveLength(10_002)
    expect(all[0]).toEqual({ id: 'aaa', n: 1 })
    expect(all.at(-1)).toEqual({ id: 'zzz', n: 1 })
    expect(all.filter((i) => i.id === 'dev-5')).toEqual([{ id: 'dev-5', n: 2 }])
    expect(all.map((i) => i.id)).toEqual(all.map((i) => i.id).sort())
  })

  it('orders by UTF-16 code units, as the console does', () => {
    const items = new SortedItems<Item>((i) => i.id)
    const all = items.apply(
      ['b', 'B', 'a', 'ä', '10', '9'].map((id) => ({ id, n: 0 })),
      false
    )
    expect(all.map((i) => i.id)).toEqual(['10', '9', 'B', 'a', 'b', 'ä'])
  })

  it('starts over from a snapshot', () => {
    const items = new SortedItems<Item>((i) => i.id)
    items.apply([{ id: 'old', n: 0 }], false)
    expect(items.apply([{ id: 'new', n: 0 }], true).map((i) => i.id)).toEqual(['new'])
  })
})
