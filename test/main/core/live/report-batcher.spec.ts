import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { LivePacing } from '../../../../src/main/core/live/live-pacing'
import { ReportBatcher } from '../../../../src/main/core/live/report-batcher'
import type { StoredReport } from '../../../../src/shared/ingest-protocol'

/** What the batcher emitted: when (by the faked clock), which seqs, how many it left out. */
interface Emit {
  at: number
  seqs: number[]
  dropped: number
}

function report(seq: number): StoredReport {
  return { _id: `r${seq}`, device: 'd', identity: 'anonymous', time: 0, seq }
}

/**
 * A batcher whose timers and clock are vitest's fake ones, so spacing is exact: the live spec
 * over sockets shows batching end to end, this one the intervals, which real timers on a busy
 * 2-core machine only approximate.
 */
function batcher(options: {
  load: () => number
  underLoadMs: number
  maxBatch?: number
  maxRate?: number
}): {
  add: (from: number, count: number) => void
  emits: Emit[]
  stop: () => void
} {
  const emits: Emit[] = []
  const b = new ReportBatcher({
    pacing: new LivePacing(options.load, { underLoadMs: options.underLoadMs }),
    maxBatch: options.maxBatch ?? 10_000,
    maxRate: options.maxRate ?? 1_000_000,
    maxRateUnderLoad: options.maxRate ?? 1_000_000,
    now: Date.now,
    emit: (batch, dropped) =>
      emits.push({ at: Date.now(), seqs: batch.map((r) => r.seq as number), dropped })
  })
  return {
    add: (from, count) => b.add(Array.from({ length: count }, (_, i) => report(from + i))),
    emits,
    stop: () => b.stop()
  }
}

describe('ReportBatcher', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('under load, sends one batch per interval: the first at once, the rest the interval apart', () => {
    const b = batcher({ load: () => 1, underLoadMs: 300 })
    // 20 writes of 250 reports, 25 ms apart, as a device in a burst.
    for (let i = 0; i < 20; i++) {
      b.add(i * 250, 250)
      vi.advanceTimersByTime(25)
    }
    vi.runAllTimers()
    expect(b.emits.flatMap((e) => e.seqs)).toEqual(Array.from({ length: 5000 }, (_, i) => i))
    expect(b.emits[0]!.seqs).toHaveLength(250) // the leading edge: nobody waits for the first
    const gaps = b.emits.slice(1).map((e, i) => e.at - b.emits[i]!.at)
    expect(gaps).toEqual(gaps.map(() => 300))
    expect(b.emits.length).toBe(3) // 500 ms of writes: at 0, 300 and 600 ms
    b.stop()
  })

  it('while the console has time, sends a display frame apart, so a report waits 16 ms at most', () => {
    const b = batcher({ load: () => 0, underLoadMs: 100 })
    for (let i = 0; i < 200; i++) {
      b.add(i * 20, 20) // 20 reports every 5 ms: 4,000 a second
      vi.advanceTimersByTime(5)
    }
    vi.runAllTimers()
    const gaps = b.emits.slice(1).map((e, i) => e.at - b.emits[i]!.at)
    expect(new Set(gaps)).toEqual(new Set([16])) // the first 5 ms write after a frame waits 16
    expect(b.emits.length).toBeGreaterThanOrEqual(60)
    expect(b.emits.flatMap((e) => e.seqs)).toHaveLength(4000)
    b.stop()
  })

  it('sends a report after a quiet spell at once, and never waits longer than the interval', () => {
    const b = batcher({ load: () => 1, underLoadMs: 300 })
    b.add(0, 1)
    vi.advanceTimersByTime(5000)
    b.add(1, 1)
    expect(b.emits.map((e) => e.seqs)).toEqual([[0], [1]]) // both in the turn they came
    vi.setSystemTime(Date.now() - 3_600_000) // the clock steps back an hour (NTP, an operator)
    b.add(2, 1)
    vi.advanceTimersByTime(299)
    expect(b.emits).toHaveLength(2)
    vi.advanceTimersByTime(1)
    expect(b.emits.at(-1)!.seqs).toEqual([2])
    b.stop()
  })

  it('leaves out the oldest beyond the rate and says how many', () => {
    const b = batcher({ load: () => 1, underLoadMs: 100, maxBatch: 100, maxRate: 1000 })
    b.add(0, 10) // the first goes at once, within the burst of 100
    b.add(10, 5000)
    vi.advanceTimersByTime(100) // 100 ms at 1,000 a second: the bucket full again, 100
    expect(b.emits[1]).toEqual({
      at: b.emits[0]!.at + 100,
      seqs: Array.from({ length: 100 }, (_, i) => 4910 + i), // the newest 100
      dropped: 4900
    })
    b.stop()
  })

  it('sends nothing after stop', () => {
    const b = batcher({ load: () => 1, underLoadMs: 300 })
    b.add(0, 1)
    b.add(1, 1)
    b.stop()
    vi.runAllTimers()
    expect(b.emits.map((e) => e.seqs)).toEqual([[0]])
  })
})
