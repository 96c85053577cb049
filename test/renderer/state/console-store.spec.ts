import { describe, expect, it } from 'vitest'

import type { StoredReport } from '../../../src/shared/ingest-protocol'
import type { LiveSnapshot } from '../../../src/shared/live-events'
import { ConsoleStore } from '../../../src/renderer/src/state/console-store'
import { ReportRing } from '../../../src/renderer/src/state/report-ring'
import { NO_FLOOD } from '../support/alarm-fixtures'

const report = (n: number, device = 'd1'): StoredReport => ({
  _id: `r${n}`,
  device,
  seq: n,
  time: 1_000 + n,
  identity: 'anonymous'
})
const seqs = (ring: ReportRing): number[] =>
  Array.from({ length: ring.size }, (_, i) => ring.at(i)!.seq!)

describe('ReportRing', () => {
  it('keeps the newest reports up to its capacity, newest first', () => {
    const ring = new ReportRing(3)
    ring.push([report(1), report(2)])
    expect(seqs(ring)).toEqual([2, 1])
    ring.push([report(3), report(4), report(5)])
    expect(seqs(ring)).toEqual([5, 4, 3])
    expect(ring.total).toBe(5)
    expect(ring.at(3)).toBeUndefined()
  })

  it('keeps within its byte budget, dropping the oldest', () => {
    const big = (n: number): StoredReport => ({ ...report(n), blob: 'x'.repeat(1000) })
    const ring = new ReportRing(100, 3500)
    ring.push([big(1), big(2), big(3), big(4)])
    expect(seqs(ring)).toEqual([4, 3, 2]) // ~1,070 bytes each: three fit in 3,500
    ring.push([report(5)])
    expect(seqs(ring)).toEqual([5, 4, 3, 2])
  })
})

describe('ConsoleStore', () => {
  function store(): { s: ConsoleStore; flush: () => void } {
    const queued: Array<() => void> = []
    const s = new ConsoleStore(
      () => 5_000,
      (run) => queued.push(run),
      4
    )
    return { s, flush: () => queued.splice(0).forEach((run) => run()) }
  }
  const snapshot = (reports: StoredReport[]): LiveSnapshot => ({
    devices: [],
    clients: [],
    reports,
    metrics: [],
    alarms: [],
    alarmFlood: NO_FLOOD,
    sources: []
  })

  it('renders a burst of events once, on the next frame', () => {
    const { s, flush } = store()
    let renders = 0
    s.subscribe(() => renders++)
    for (let i = 1; i <= 3; i++) s.events.reports([report(i)])
    const before = s.getView()
    expect(renders).toBe(0)
    flush()
    expect(renders).toBe(1)
    expect(s.getView()).not.toBe(before)
    expect(seqs(s.getView().feed)).toEqual([3, 2, 1])
  })

  it('adds a resync snapshot’s reports to the feed without repeating those it shows', () => {
    const { s, flush } = store()
    s.events.reports([report(1), report(2)])
    s.events.snapshot(snapshot([report(2), report(3)]))
    flush()
    expect(seqs(s.getView().feed)).toEqual([3, 2, 1])
  })

  it('replaces devices from a snapshot, then updates only those that change', () => {
    const { s, flush } = store()
    const device = (id: string, online: boolean) => ({
      id,
      identity: 'anonymous',
      firstSeen: 1,
      lastSeen: 2,
      reports: 1,
      online,
      reportsPerMinute: 1
    })
    s.events.devices([device('old', true)])
    s.events.snapshot({ ...snapshot([]), devices: [device('b', true), device('a', true)] })
    s.events.devices([device('b', false)])
    flush()
    expect(s.getView().devices.map((d) => [d.id, d.online])).toEqual([
      ['a', true],
      ['b', false]
    ])
  })
})
