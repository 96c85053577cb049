import { describe, expect, it } from 'vitest'

import { SeqWindow } from '../../../../src/main/core/store/seq-window'

describe('SeqWindow', () => {
  it('remembers seqs per device', () => {
    const w = new SeqWindow()
    w.add('a', 5)
    expect(w.has('a', 5)).toBe(true)
    expect(w.has('a', 6)).toBe(false)
    expect(w.has('b', 5)).toBe(false)
  })

  it('keeps a device that counts up as a single run', () => {
    const w = new SeqWindow(4)
    for (let s = 1_000_000; s < 1_100_000; s++) w.add('a', s)
    expect(w.runCount('a')).toBe(1)
    expect(w.has('a', 1_000_000)).toBe(true)
    expect(w.has('a', 1_099_999)).toBe(true)
    expect(w.has('a', 1_100_000)).toBe(false)
  })

  it('fills gaps out of order and merges runs', () => {
    const w = new SeqWindow()
    for (const s of [10, 14, 12, 11, 13, 20, 2]) w.add('a', s)
    expect(w.runCount('a')).toBe(3) // [2] [10-14] [20]
    for (const s of [2, 10, 11, 12, 13, 14, 20]) expect(w.has('a', s)).toBe(true)
    for (const s of [1, 3, 9, 15, 19, 21]) expect(w.has('a', s)).toBe(false)
  })

  it('forgets the oldest runs beyond its bound, keeping at least minRuns', () => {
    const w = new SeqWindow(100)
    for (let i = 0; i < 10_000; i++) w.add('a', i * 10) // every seq its own run
    expect(w.runCount('a')).toBeGreaterThanOrEqual(100)
    expect(w.runCount('a')).toBeLessThanOrEqual(125)
    expect(w.has('a', 99_990)).toBe(true)
    expect(w.has('a', 99_010)).toBe(true) // the 99th newest run
    expect(w.has('a', 0)).toBe(false)
  })

  it('forgets the least recently reporting device beyond its device bound', () => {
    const w = new SeqWindow(16, 3)
    w.add('a', 1)
    w.add('b', 1)
    w.add('c', 1)
    w.add('a', 2) // a reported again: b is now the oldest
    w.add('d', 1)
    expect(['a', 'b', 'c', 'd'].map((id) => w.has(id, 1))).toEqual([true, false, true, true])
  })
})
