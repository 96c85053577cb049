import { describe, expect, it } from 'vitest'

import type { DayCollections } from '../../../../src/main/core/persistence/day-collections'
import { freshStorage, type BackendFactory, type BackendStorage } from './backend-fixture'

interface Note {
  id: string
  time: number
  text: string
  expiresAt: number
}

const DAY = 86_400_000
/** 2026-12-01T00:00:00Z */
const DEC_1 = Date.UTC(2026, 11, 1)

function note(id: string, time: number, text = id): Note {
  return { id, time, text, expiresAt: time + DAY }
}

/** What every backend's DayCollections do: run from each backend's spec file. */
export function dayCollectionsContract(backend: string, storage: BackendFactory): void {
  describe(`DayCollections (${backend})`, () => {
    const fresh = freshStorage(storage)

    function notes(s: BackendStorage): Promise<DayCollections<Note>> {
      return s.open().dayCollections<Note>('notes', {
        unique: 'id',
        time: 'time',
        keepFrom: 0,
        now: DEC_1
      })
    }

    it('keeps a collection per day, listed oldest first, each found again after a restart', async () => {
      const s = await fresh()
      const days = await notes(s)
      expect(await days.days()).toEqual([])
      expect(days.carriedOverUntil).toBeNull()
      const dec2 = await days.open('2026-12-02')
      const dec1 = await days.open('2026-12-01')
      await dec2.insert(note('b', DEC_1 + DAY + 5))
      await dec1.insert([note('a1', DEC_1 + 1), note('a2', DEC_1 + 2)])
      expect(await days.days()).toEqual(['2026-12-01', '2026-12-02'])

      const again = await notes(s)
      expect(await again.days()).toEqual(['2026-12-01', '2026-12-02'])
      const reopened = await again.open('2026-12-01')
      expect(
        (await reopened.find({ expiresAt: { gt: DEC_1 + DAY + 1 } })).map((n) => n.id)
      ).toEqual(['a2'])
    })

    it('looks up the current version of a document without opening its day', async () => {
      const s = await fresh()
      const days = await notes(s)
      const dec1 = await days.open('2026-12-01')
      await dec1.insert([note('a', DEC_1 + 1), note('b', DEC_1 + 2), note('c', DEC_1 + 3)])
      await dec1.update({ id: 'a' }, { text: 'changed' })
      await dec1.update({ id: 'a' }, { text: 'changed again' })
      await dec1.remove({ id: 'c' })

      const again = await notes(s)
      expect(await again.lookup('2026-12-01', 'a')).toEqual(note('a', DEC_1 + 1, 'changed again'))
      expect(await again.lookup('2026-12-01', 'b')).toEqual(note('b', DEC_1 + 2))
      expect(await again.lookup('2026-12-01', 'c')).toBeUndefined()
      expect(await again.lookup('2026-12-01', 'x')).toBeUndefined()
      expect(await again.lookup('2026-12-09', 'a')).toBeUndefined()
      // A value that only appears inside another document's text is not that document.
      await (await again.open('2026-12-03')).insert(note('d', DEC_1 + 2 * DAY, 'a'))
      expect(await again.lookup('2026-12-03', 'a')).toBeUndefined()
    })

    it('deletes whole days that end at or before a time', async () => {
      const s = await fresh()
      const days = await notes(s)
      for (const day of ['2026-12-01', '2026-12-02', '2026-12-03'])
        await (await days.open(day)).insert(note(day, Date.parse(day) + 1000))
      expect(await days.deleteBefore(DEC_1 + 2 * DAY - 1)).toEqual(['2026-12-01'])
      expect(await days.deleteBefore(DEC_1 + 2 * DAY)).toEqual(['2026-12-02'])
      expect(await days.days()).toEqual(['2026-12-03'])
      expect(await days.lookup('2026-12-01', '2026-12-01')).toBeUndefined()
      expect(await (await notes(s)).days()).toEqual(['2026-12-03'])
    })
  })
}
