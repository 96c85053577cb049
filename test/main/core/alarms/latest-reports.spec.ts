import { describe, expect, it } from 'vitest'

import {
  forEachLatestReport,
  LATEST_READS_AT_ONCE
} from '../../../../src/main/core/alarms/latest-reports'
import type { StoredReport } from '../../../../src/shared/ingest-protocol'

/** A report store whose reads are counted while in flight; `missing` have none, `broken` fail. */
function store(options: { missing?: string[]; broken?: string[] } = {}): {
  query: (q: { device: string }) => Promise<StoredReport[]>
  reads: string[]
  mostAtOnce: () => number
} {
  let inFlight = 0
  let most = 0
  const reads: string[] = []
  return {
    reads,
    mostAtOnce: () => most,
    async query({ device }) {
      reads.push(device)
      most = Math.max(most, ++inFlight)
      await new Promise((r) => setImmediate(r))
      inFlight--
      if (options.broken?.includes(device)) throw new Error(`disk error on ${device}`)
      if (options.missing?.includes(device)) return []
      return [{ device, time: 1, identity: 'anonymous', seq: Number(device.slice(1)) }]
    }
  }
}

const devices = (n: number): Array<{ id: string }> =>
  Array.from({ length: n }, (_, i) => ({ id: `d${i}` }))

describe('forEachLatestReport', () => {
  it('reads every device once, a few at a time, and says which have none', async () => {
    const reports = store({ missing: ['d7'] })
    const seen = new Map<string, number | undefined>()
    await forEachLatestReport(devices(50), reports, (device, latest) =>
      seen.set(device.id, latest?.seq)
    )
    expect(seen.size).toBe(50)
    expect(seen.get('d7')).toBeUndefined()
    expect(seen.get('d42')).toBe(42)
    expect(reports.reads.sort()).toEqual(
      devices(50)
        .map((d) => d.id)
        .sort()
    )
    expect(reports.mostAtOnce()).toBe(LATEST_READS_AT_ONCE)
  })

  it('passes over the devices skipped, and stops after the reads under way', async () => {
    const reports = store()
    const seen: string[] = []
    await forEachLatestReport(devices(20), reports, (device) => seen.push(device.id), {
      skip: (device) => device.id.endsWith('1'),
      stopped: () => seen.length >= 6
    })
    expect(reports.reads).not.toContain('d1')
    expect(seen.length).toBeGreaterThanOrEqual(6)
    expect(seen.length).toBeLessThan(6 + LATEST_READS_AT_ONCE)
    expect(reports.reads.length).toBe(seen.length) // nothing read after the stop was seen
  })

  it('goes on past a failed read when told of failures, and rejects with it otherwise', async () => {
    const reports = store({ broken: ['d3'] })
    const seen: string[] = []
    const failed: string[] = []
    await forEachLatestReport(devices(10), reports, (device) => seen.push(device.id), {
      failed: (device, error) => failed.push(`${device.id}: ${(error as Error).message}`)
    })
    expect(failed).toEqual(['d3: disk error on d3'])
    expect(seen).toHaveLength(9)
    await expect(
      forEachLatestReport(devices(10), store({ broken: ['d3'] }), () => {})
    ).rejects.toThrow('disk error on d3')
  })

  it('reads nothing for no devices', async () => {
    const reports = store()
    await forEachLatestReport([], reports, () => {})
    expect(reports.reads).toEqual([])
  })
})
