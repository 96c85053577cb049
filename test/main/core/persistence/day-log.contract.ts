import { describe, expect, it } from 'vitest'

import type { DayLog, DayLogRange } from '../../../../src/main/core/persistence/day-log'
import { freshStorage, type BackendFactory, type BackendStorage } from './backend-fixture'

interface Event {
  device: string
  online: boolean
  time: number
}

const DAY = 86_400_000
/** 2026-12-01T00:00:00Z */
const DEC_1 = Date.UTC(2026, 11, 1)

function decode(doc: Record<string, unknown>): Event | null {
  const { device, online, time } = doc
  if (typeof device !== 'string' || typeof online !== 'boolean' || typeof time !== 'number')
    return null
  return { device, online, time }
}

async function all(
  log: DayLog<Event>,
  range?: DayLogRange,
  order?: { newestDayFirst?: boolean }
): Promise<Event[]> {
  const read: Event[] = []
  for await (const event of log.read(range, order)) read.push(event)
  return read
}

/** What every backend's DayLog does: run from each backend's spec file. */
export function dayLogContract(backend: string, storage: BackendFactory): void {
  describe(`DayLog (${backend})`, () => {
    const fresh = freshStorage(storage)

    function events(s: BackendStorage): Promise<DayLog<Event>> {
      return s.open().dayLog<Event>('events', { time: 'time', decode, keepFrom: 0 })
    }

    it('reads back every record appended, oldest day first, in order within a day', async () => {
      const s = await fresh()
      const log = await events(s)
      expect(await all(log)).toEqual([])
      const appended = [
        { device: 'b', online: true, time: DEC_1 + DAY + 1 },
        { device: 'a', online: true, time: DEC_1 + 5 },
        { device: 'a', online: false, time: DEC_1 + 3 },
        { device: 'b', online: false, time: DEC_1 + DAY + 2 }
      ]
      await Promise.all(appended.map((e) => log.append(e)))
      const expected = [appended[1], appended[2], appended[0], appended[3]]
      expect(await all(log)).toEqual(expected)
      expect(await all(await events(s))).toEqual(expected)
    })

    it('writes thousands of appends made together, all there once flushed', async () => {
      const s = await fresh()
      const log = await events(s)
      for (let i = 0; i < 5000; i++)
        void log.append({ device: `d${i}`, online: true, time: DEC_1 + i })
      await log.flush()
      const read = await all(await events(s))
      expect(read).toHaveLength(5000)
      expect(read[4999]).toEqual({ device: 'd4999', online: true, time: DEC_1 + 4999 })
    })

    it('reads only the records within a range, bounds included, in order', async () => {
      const s = await fresh()
      const log = await events(s)
      const appended = [0, 1, 2, 3].flatMap((d) => [
        { device: 'a', online: true, time: DEC_1 + d * DAY + 10 },
        { device: 'b', online: false, time: DEC_1 + d * DAY + 20 }
      ])
      for (const e of appended) await log.append(e)
      // From the second record of day 1 to the first of day 2: across a day boundary.
      expect(await all(log, { since: DEC_1 + DAY + 20, until: DEC_1 + 2 * DAY + 10 })).toEqual(
        appended.slice(3, 5)
      )
      expect(await all(log, { since: DEC_1 + 3 * DAY })).toEqual(appended.slice(6))
      expect(await all(log, { until: DEC_1 + 10 })).toEqual(appended.slice(0, 1))
      expect(await all(log, { since: DEC_1 + 5 * DAY })).toEqual([])
      expect(await all(log, {})).toEqual(appended)
    })

    it('reads the newest day first when asked, each day in order, within the range', async () => {
      const s = await fresh()
      const log = await events(s)
      const appended = [0, 1, 2].flatMap((d) => [
        { device: 'a', online: true, time: DEC_1 + d * DAY + 10 },
        { device: 'b', online: false, time: DEC_1 + d * DAY + 20 }
      ])
      for (const e of appended) await log.append(e)
      const newestFirst = { newestDayFirst: true }
      expect(await all(log, {}, newestFirst)).toEqual([
        ...appended.slice(4),
        ...appended.slice(2, 4),
        ...appended.slice(0, 2)
      ])
      expect(await all(log, { since: DEC_1 + 20, until: DEC_1 + DAY + 10 }, newestFirst)).toEqual([
        appended[2],
        appended[1]
      ])
      // Stopped after the newest record: the older days need not be read at all.
      for await (const first of log.read({}, newestFirst)) {
        expect(first).toEqual(appended[4])
        break
      }
    })

    it('deletes whole days that end at or before a time', async () => {
      const s = await fresh()
      const log = await events(s)
      for (let d = 0; d < 3; d++)
        await log.append({ device: 'a', online: true, time: DEC_1 + d * DAY })
      expect(await log.deleteBefore(DEC_1 + 2 * DAY)).toEqual(['2026-12-01', '2026-12-02'])
      expect(await all(await events(s))).toEqual([
        { device: 'a', online: true, time: DEC_1 + 2 * DAY }
      ])
    })
  })
}
