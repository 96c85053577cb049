import { describe, expect, it } from 'vitest'

import { InOrder } from '../../../../../src/main/core/ingest/mqtt/in-order'

describe('InOrder', () => {
  it('releases in the order places were taken, whatever order they are done in', () => {
    const order = new InOrder()
    const released: string[] = []
    const [a, b, c] = [order.enter(), order.enter(), order.enter()]
    c(() => released.push('c'))
    b(() => released.push('b'))
    expect(released).toEqual([])
    a(() => released.push('a'))
    expect(released).toEqual(['a', 'b', 'c'])
    expect(order.size).toBe(0)
  })

  it('keeps the order when a release takes and releases places itself', () => {
    const order = new InOrder()
    const released: string[] = []
    const first = order.enter()
    const second = order.enter()
    second(() => released.push('second'))
    first(() => {
      released.push('first')
      const third = order.enter()
      third(() => released.push('third'))
    })
    expect(released).toEqual(['first', 'second', 'third'])
  })
})
