import type { StoredReport } from '../../../shared/ingest-protocol'

/**
 * Latest reports read at once, by a re-evaluation or a preview: a few, so neither takes the
 * store from ingest.
 */
export const LATEST_READS_AT_ONCE = 4

/** Where a device's newest stored report is read from (the report store). */
export interface LatestReportSource {
  query(query: { device: string; limit: number }): Promise<StoredReport[]>
}

export interface LatestReportWalk<D> {
  /** Passes over a device without reading it (asked as its turn comes). */
  skip?: (device: D) => boolean
  /** Ends the walk after the reads under way. */
  stopped?: () => boolean
  /** A read that failed; the walk goes on. Without it, the walk rejects with the first. */
  failed?: (device: D, error: unknown) => void
}

/**
 * Hands `visit` the newest stored report of each of `devices` (undefined: none stored), in no
 * set order, LATEST_READS_AT_ONCE read at a time.
 */
export async function forEachLatestReport<D extends { id: string }>(
  devices: readonly D[],
  reports: LatestReportSource,
  visit: (device: D, latest: StoredReport | undefined) => void,
  walk: LatestReportWalk<D> = {}
): Promise<void> {
  let next = 0
  const reader = async (): Promise<void> => {
    while (next < devices.length && walk.stopped?.() !== true) {
      const device = devices[next++]!
      if (walk.skip?.(device) === true) continue
      let latest: StoredReport | undefined
      try {
        ;[latest] = await reports.query({ device: device.id, limit: 1 })
      } catch (error) {
        if (walk.failed === undefined) throw error
        walk.failed(device, error)
        continue
      }
      visit(device, latest)
    }
  }
  await Promise.all(Array.from({ length: Math.min(LATEST_READS_AT_ONCE, devices.length) }, reader))
}
