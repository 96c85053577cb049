import { afterEach, describe, expect, it } from 'vitest'

import type {
  ActiveReportPartition,
  ReportPartitions
} from '../../../../src/main/core/persistence/report-partitions'
import type { StoredReport } from '../../../../src/shared/ingest-protocol'
import { freshStorage, type BackendFactory, type BackendStorage } from './backend-fixture'

const T0 = Date.UTC(2026, 11, 1, 8)

/** Reports as the store hands them over: with `_id`s that sort in arrival order. */
function reports(device: string, times: number[], first = 0): StoredReport[] {
  return times.map((time, i) => ({
    _id: `id${String(first + i).padStart(6, '0')}`,
    device,
    time,
    identity: 'anonymous',
    seq: first + i
  }))
}

const seqs = (found: StoredReport[]): Array<number | undefined> => found.map((r) => r.seq)

/** What every backend's ReportPartitions do: run from each backend's spec file. */
export function reportPartitionsContract(backend: string, storage: BackendFactory): void {
  describe(`ReportPartitions (${backend})`, () => {
    const fresh = freshStorage(storage)
    // Registered after the storage's cleanup, so it runs before it (hooks run as a stack).
    const ended: ReportPartitions[] = []
    afterEach(async () => {
      await Promise.all(ended.splice(0).map((p) => p.end()))
    })

    async function open(
      s: BackendStorage
    ): Promise<
      { partitions: ReportPartitions; recent: StoredReport[] } & Awaited<
        ReturnType<ReportPartitions['open']>
      >
    > {
      const partitions = s.open().reportPartitions()
      ended.push(partitions)
      const recent: StoredReport[] = []
      const opened = await partitions.open((r) => recent.push(r))
      return { partitions, recent, ...opened }
    }

    it('opens empty storage with no partitions', async () => {
      const { closed, active, recent } = await open(await fresh())
      expect(closed).toEqual([])
      expect(active).toBeNull()
      expect(recent).toEqual([])
    })

    it('writes to the active partition and finds its reports newest first, filtered', async () => {
      const { partitions } = await open(await fresh())
      // Created for its first report, as the store does.
      const active = await partitions.create(T0 + 1)
      expect(active.count).toBe(0)
      expect(active.from).toBe(active.to)
      await active.append(reports('a', [T0 + 1, T0 + 2, T0 + 2]))
      await active.append(reports('b', [T0 + 2, T0 + 5], 3))
      expect(active.count).toBe(5)
      expect([active.from, active.to]).toEqual([T0 + 1, T0 + 5])
      expect(active.bytes).toBeGreaterThan(0)
      // Same receive time: the later `_id` first.
      expect(seqs(await active.find({}, 10))).toEqual([4, 3, 2, 1, 0])
      expect(seqs(await active.find({}, 2))).toEqual([4, 3])
      expect(seqs(await active.find({ device: 'a' }, 10))).toEqual([2, 1, 0])
      expect(seqs(await active.find({ time: { gte: T0 + 2, lte: T0 + 2 } }, 10))).toEqual([3, 2, 1])
      expect(seqs(await active.find({ device: 'b', time: { lte: T0 + 4 } }, 10))).toEqual([3])
      expect(active.info()).toEqual({
        file: active.name,
        from: T0 + 1,
        to: T0 + 5,
        count: 5,
        devices: [
          { id: 'a', identity: 'anonymous', firstSeen: T0 + 1, lastSeen: T0 + 2, reports: 3 },
          { id: 'b', identity: 'anonymous', firstSeen: T0 + 2, lastSeen: T0 + 5, reports: 2 }
        ],
        firstId: 'id000000',
        lastId: 'id000004'
      })
    })

    it('scans reports in the order they were stored, a chunk at a time, after an id', async () => {
      const s = await fresh()
      const { partitions } = await open(s)
      const first = await partitions.create(T0 + 1)
      // Receive times out of order (a clock step back): the scan keeps the order of storing.
      await first.append(reports('a', [T0 + 5, T0 + 1, T0 + 3]))
      await first.append(reports('b', [T0 + 4, T0 + 6], 3))
      const chunks = async (iterable: AsyncIterable<StoredReport[]>): Promise<number[][]> => {
        const out: number[][] = []
        for await (const chunk of iterable) out.push(chunk.map((r) => r.seq!))
        return out
      }
      expect(seqs(await first.scan({}, 10))).toEqual([0, 1, 2, 3, 4])
      expect(seqs(await first.scan({ _id: { gt: 'id000001' } }, 2))).toEqual([2, 3])
      expect(seqs(await first.scan({ device: 'b' }, 10))).toEqual([3, 4])
      const info = await partitions.close(first)
      expect(info).toMatchObject({ firstId: 'id000000', lastId: 'id000004' })
      expect(await chunks(partitions.scan(info, {}, 2))).toEqual([[0, 1], [2, 3], [4]])
      expect(await chunks(partitions.scan(info, { _id: { gt: 'id000002' } }, 10))).toEqual([[3, 4]])
      expect(
        await chunks(partitions.scan(info, { device: { in: ['a'] }, time: { gte: T0 + 3 } }, 10))
      ).toEqual([[0, 2]])
      await partitions.delete(info)
      expect(await chunks(partitions.scan(info, {}, 10))).toEqual([])
    })

    it('scans a time range of the active partition exactly, before and after a clock step back', async () => {
      const { partitions } = await open(await fresh())
      const active = await partitions.create(T0)
      // 600 reports, two a millisecond apart in time, some sharing one: times rise with the ids.
      const times = Array.from({ length: 600 }, (_, i) => T0 + Math.floor(i / 2) * 2)
      await active.append(reports('a', times))
      const expected = (
        keep: (r: StoredReport) => boolean,
        all: StoredReport[],
        limit: number
      ): Array<number | undefined> => seqs(all.filter(keep).slice(0, limit))
      const ranges = [
        { gte: T0 + 100, lt: T0 + 140 },
        { gt: T0 + 100, lte: T0 + 140 },
        { gte: T0 + 598 },
        { lt: T0 + 4 },
        { gte: T0 + 1000 }
      ]
      const check = async (all: StoredReport[]): Promise<void> => {
        for (const time of ranges) {
          const inRange = (r: StoredReport): boolean =>
            (time.gte === undefined || r.time >= time.gte) &&
            (time.gt === undefined || r.time > time.gt) &&
            (time.lt === undefined || r.time < time.lt) &&
            (time.lte === undefined || r.time <= time.lte)
          expect(seqs(await active.scan({ time }, 1000))).toEqual(expected(inRange, all, 1000))
          // A chunk after a cursor inside the range: the next ones, in order.
          const cursor = all.find(inRange)?._id ?? 'id000000'
          expect(seqs(await active.scan({ time, _id: { gt: cursor } }, 7))).toEqual(
            expected((r) => inRange(r) && r._id! > cursor, all, 7)
          )
        }
      }
      const stored = reports('a', times)
      await check(stored)
      // The clock stepped back: later reports with earlier times are found all the same.
      const back = reports('a', [T0 + 120, T0 + 2, T0 + 700], 600)
      await active.append(back)
      await check([...stored, ...back])
    })

    it("finds a device's newest reports, none of a device not in it, before and after a clock step back", async () => {
      const s = await fresh()
      const { partitions } = await open(s)
      const active = await partitions.create(T0)
      // Three devices in turn, 300 reports; two in one packet share a receive time.
      const all: StoredReport[] = Array.from({ length: 300 }, (_, i) => ({
        ...reports(['a', 'b', 'c'][i % 3]!, [T0 + Math.floor(i / 2)], i)[0]!
      }))
      for (let i = 0; i < all.length; i += 50) await active.append(all.slice(i, i + 50))
      const latest = async (device: string): Promise<Array<number | undefined>> =>
        seqs(await active.find({ device }, 1))
      expect(await latest('a')).toEqual([297])
      expect(await latest('b')).toEqual([298])
      expect(await latest('c')).toEqual([299])
      expect(await latest('nobody')).toEqual([])
      // A device's newest few, and all of them when it has fewer than asked.
      expect(seqs(await active.find({ device: 'a' }, 3))).toEqual([297, 294, 291])
      const everyA = all
        .filter((r) => r.device === 'a')
        .map((r) => r.seq)
        .reverse()
      expect(seqs(await active.find({ device: 'a' }, 1000))).toEqual(everyA)
      expect(seqs(await active.find({ device: 'nobody', time: { gte: T0 } }, 10))).toEqual([])
      // The answer is a copy: changing it changes nothing stored.
      const [found] = await active.find({ device: 'a' }, 1)
      found!.seq = -1
      expect(await latest('a')).toEqual([297])
      // A later report of `a` with an earlier time (the clock set back): newest by time wins.
      await active.append(reports('a', [T0 + 10], 300))
      expect(await latest('a')).toEqual([297])
      expect(seqs(await active.find({ device: 'a' }, 2))).toEqual([297, 294])
      await active.append(reports('a', [T0 + 500], 301))
      expect(await latest('a')).toEqual([301])
      // And so after a reopen, from what storage holds.
      await partitions.end()
      const again = await open(s)
      expect(seqs(await again.active!.find({ device: 'a' }, 1))).toEqual([301])
      expect(seqs(await again.active!.find({ device: 'b' }, 1))).toEqual([298])
      expect(seqs(await again.active!.find({ device: 'nobody' }, 1))).toEqual([])
    })

    it('tells what its reports take in storage, more with more reports', async () => {
      const { partitions } = await open(await fresh())
      const before = await partitions.bytesStored()
      const active = await partitions.create(T0 + 1)
      await active.append(reports('a', [T0 + 1, T0 + 2, T0 + 3]))
      const after = await partitions.bytesStored()
      // At least the reports' own JSON: what the diagnostics call bytes on disk.
      expect(after - before).toBeGreaterThanOrEqual(
        JSON.stringify(reports('a', [T0 + 1, T0 + 2, T0 + 3])).length - 2
      )
    })

    it('reads a closed partition through its catalog entry, and opens it again so', async () => {
      const s = await fresh()
      const { partitions } = await open(s)
      const first = await partitions.create(T0 + 1)
      await first.append(reports('a', [T0 + 1, T0 + 2, T0 + 3]))
      const info = await partitions.close(first)
      expect(info).toMatchObject({ file: first.name, from: T0 + 1, to: T0 + 3, count: 3 })
      expect(seqs(await partitions.find(info, {}, 10))).toEqual([2, 1, 0])
      expect(seqs(await partitions.find(info, { time: { lt: T0 + 3 } }, 1))).toEqual([1])
      expect(seqs(await partitions.find(info, { device: 'b' }, 10))).toEqual([])
      const second = await partitions.create(T0 + 2) // before the last report: still after it
      expect(second.name).not.toBe(first.name)
      await second.append(reports('b', [T0 + 10], 3))
      await partitions.end()

      const reopened = await open(s)
      expect(reopened.closed).toEqual([info])
      expect(reopened.active?.name).toBe(second.name)
      expect(reopened.active?.count).toBe(1)
      // The dedup window is rebuilt from the active partition and the newest closed one.
      expect(seqs(reopened.recent).sort()).toEqual([0, 1, 2, 3])
      expect(seqs(await reopened.partitions.find(info, {}, 10))).toEqual([2, 1, 0])
    })

    it('keeps partitions in order across closes, and deletes one with its entry', async () => {
      const s = await fresh()
      const { partitions } = await open(s)
      const infos = []
      let active: ActiveReportPartition
      for (let p = 0; p < 3; p++) {
        active = await partitions.create(T0 + p * 100 + 1)
        await active.append(reports('a', [T0 + p * 100 + 1], p))
        infos.push(await partitions.close(active))
      }
      await partitions.delete(infos[0]!)
      expect(await partitions.find(infos[0]!, {}, 10)).toEqual([])
      const reopened = await open(s)
      expect(reopened.closed.map((i) => i.from)).toEqual([T0 + 101, T0 + 201])
      expect(reopened.active).toBeNull()
      // Only the newest closed partition feeds the dedup window when none is active.
      expect(seqs(reopened.recent)).toEqual([2])
      const next = await reopened.partitions.create(T0)
      await next.append(reports('a', [T0 + 300], 3))
      await reopened.partitions.end()
      const last = await open(s)
      expect(last.active?.name).toBe(next.name)
      expect(last.closed).toHaveLength(2)
    })
  })
}
