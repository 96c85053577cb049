import { describe, expect, it } from 'vitest'

import { LatestReports } from '../../../src/renderer/src/state/latest-reports'
import { ReportRing } from '../../../src/renderer/src/state/report-ring'
import { RequestLimiter } from '../../../src/renderer/src/state/request-limiter'
import type { StoredReport } from '../../../src/shared/ingest-protocol'
import type { ReportQuery } from '../../../src/shared/live-events'

const report = (device: string, time: number, temp = time): StoredReport => ({
  _id: `${device}@${time}`,
  device,
  time,
  identity: 'anonymous',
  temp
})

/** Resolves once the microtasks queued so far have run: a resolved request has landed. */
const settled = () => new Promise((r) => setTimeout(r, 0))

function latestReports(answer: (query: ReportQuery) => StoredReport[] = () => []) {
  const asked: ReportQuery[] = []
  let changes = 0
  const latest = new LatestReports({
    query: async (query) => {
      asked.push(query)
      return answer(query)
    },
    limiter: new RequestLimiter(4),
    onChange: () => changes++
  })
  return { latest, asked, changes: () => changes }
}

describe('each device’s latest report, from the live feed', () => {
  it('reads only the reports pushed since it last read, oldest first', () => {
    const ring = new ReportRing(10)
    const { latest } = latestReports()
    ring.push([report('a', 1), report('b', 2)])
    expect(latest.catchUp(ring).map((r) => r._id)).toEqual(['a@1', 'b@2'])
    expect(latest.catchUp(ring)).toEqual([])
    ring.push([report('a', 3)])
    expect(latest.catchUp(ring).map((r) => r._id)).toEqual(['a@3'])
    expect(latest.get('a')?._id).toBe('a@3')
    expect(latest.get('b')?._id).toBe('b@2')
    expect(latest.get('c')).toBeUndefined()
  })

  it('reads what the ring still holds when more were pushed than it keeps', () => {
    const ring = new ReportRing(3)
    const { latest } = latestReports()
    ring.push([1, 2, 3, 4, 5].map((t) => report('a', t)))
    expect(latest.catchUp(ring).map((r) => r.time)).toEqual([3, 4, 5])
    expect(latest.get('a')?.time).toBe(5)
  })

  it('keeps the newest by time: a report from a reconnect’s snapshot does not replace a newer one', () => {
    const ring = new ReportRing(10)
    const { latest } = latestReports()
    ring.push([report('a', 10)])
    latest.catchUp(ring)
    ring.push([report('a', 4)])
    latest.catchUp(ring)
    expect(latest.get('a')?.time).toBe(10)
  })

  it('asks once for the latest report of a device in sight that the feed has none of', async () => {
    const ring = new ReportRing(10)
    const { latest, asked, changes } = latestReports((q) => [report(q.device!, 500)])
    ring.push([report('a', 1)])
    latest.catchUp(ring)
    latest.show(['a', 'quiet'])
    await settled()
    expect(asked).toEqual([{ device: 'quiet', limit: 1 }])
    expect(latest.get('quiet')?.time).toBe(500)
    expect(changes()).toBe(1)
    latest.show(['a', 'quiet', 'gone'])
    await settled()
    expect(asked.map((q) => q.device)).toEqual(['quiet', 'gone'])
  })
})
