import { describe, expect, it } from 'vitest'

import type { DocumentCollection } from '../../../../src/main/core/persistence/document-collection'
import { freshStorage, type BackendFactory, type BackendStorage } from './backend-fixture'

interface Client {
  uid: string
  name: string | null
  seen: number
  tags: string[]
}

function client(uid: string, seen: number, name: string | null = null): Client {
  return { uid, name, seen, tags: [uid] }
}

const byUid = (a: Client, b: Client): number => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0)

/** What every backend's DocumentCollection does: run from each backend's spec file. */
export function documentCollectionContract(backend: string, storage: BackendFactory): void {
  describe(`DocumentCollection (${backend})`, () => {
    const fresh = freshStorage(storage)

    async function clients(s: BackendStorage): Promise<DocumentCollection<Client>> {
      return s.open().collection<Client>('clients', { unique: 'uid' })
    }

    it('gives documents back as they were stored, found by each kind of condition', async () => {
      const c = await clients(await fresh())
      const stored = [client('a', 10, 'Anna'), client('b', 20), client('c', 30, 'Carl')]
      await c.insert(stored)
      await c.insert(client('d', 40))
      const uids = async (filter: Parameters<typeof c.find>[0]): Promise<string[]> =>
        (await c.find(filter)).map((d) => d.uid).sort()

      expect((await c.find()).sort(byUid)).toEqual([...stored, client('d', 40)])
      expect(await uids({})).toEqual(['a', 'b', 'c', 'd'])
      expect(await uids({ uid: 'b' })).toEqual(['b'])
      expect(await uids({ name: null })).toEqual(['b', 'd'])
      expect(await uids({ uid: { in: ['a', 'd', 'x'] } })).toEqual(['a', 'd'])
      expect(await uids({ seen: { gt: 10, lte: 30 } })).toEqual(['b', 'c'])
      expect(await uids({ seen: { gte: 10, lt: 30 } })).toEqual(['a', 'b'])
      expect(await uids({ uid: { gte: 'b' }, seen: { lt: 40 } })).toEqual(['b', 'c'])
      expect(await uids({ uid: 'a', seen: 20 })).toEqual([])
      expect(await c.findOne({ uid: 'c' })).toEqual(client('c', 30, 'Carl'))
      expect(await c.findOne({ uid: 'x' })).toBeUndefined()
      expect(await c.count()).toBe(4)
      expect(await c.count({ seen: { gte: 30 } })).toBe(2)
    })

    it('compares numbers with numbers and strings with strings; a missing field meets no condition', async () => {
      const s = await fresh()
      const c = await s.open().collection<{ k: string; v?: number | string | null }>('mixed')
      await c.insert([{ k: 'n', v: 5 }, { k: 's', v: '5' }, { k: 'null', v: null }, { k: 'none' }])
      const ks = async (filter: Parameters<typeof c.find>[0]): Promise<string[]> =>
        (await c.find(filter)).map((d) => d.k).sort()
      expect(await ks({ v: { gte: 0 } })).toEqual(['n'])
      expect(await ks({ v: { gte: '0' } })).toEqual(['s'])
      expect(await ks({ v: 5 })).toEqual(['n'])
      expect(await ks({ v: null })).toEqual(['null'])
      expect(await ks({ v: { in: [5, null] } })).toEqual(['n', 'null'])
    })

    it('updates and removes every matching document, saying how many', async () => {
      const c = await clients(await fresh())
      await c.insert([client('a', 1), client('b', 2), client('c', 3)])
      expect(await c.update({ seen: { lte: 2 } }, { seen: 9, name: 'old' })).toBe(2)
      expect(await c.update({ uid: 'x' }, { seen: 9 })).toBe(0)
      expect((await c.find()).sort(byUid)).toEqual([
        { ...client('a', 9, 'old') },
        { ...client('b', 9, 'old') },
        client('c', 3)
      ])
      expect(await c.remove({ seen: 9 })).toBe(2)
      expect(await c.remove({ uid: 'x' })).toBe(0)
      expect(await c.find()).toEqual([client('c', 3)])
    })

    it('refuses a repeated unique value, storing none of that insert', async () => {
      const c = await clients(await fresh())
      await c.insert(client('a', 1))
      await expect(c.insert(client('a', 2))).rejects.toThrow()
      await expect(c.insert([client('b', 1), client('a', 3)])).rejects.toThrow()
      expect(await c.find()).toEqual([client('a', 1)])
    })

    it('applies writes in the order they are called, without waiting between them', async () => {
      const c = await clients(await fresh())
      await c.insert(client('a', 1))
      const writes = [
        c.remove({ uid: 'a' }),
        c.insert(client('a', 2)),
        c.update({ uid: 'a' }, { name: 'again' })
      ]
      expect(await Promise.all(writes)).toEqual([1, undefined, 1])
      expect(await c.find()).toEqual([client('a', 2, 'again')])
    })

    it('takes conditions on thousands of values at once', async () => {
      const c = await clients(await fresh())
      const many = Array.from({ length: 2500 }, (_, i) => client(`u${i}`, i))
      await c.insert(many)
      const odd = many.filter((d) => d.seen % 2 === 1).map((d) => d.uid)
      expect(await c.count({ uid: { in: odd } })).toBe(1250)
      expect(await c.update({ uid: { in: odd } }, { name: 'odd' })).toBe(1250)
      expect((await c.find({ uid: { in: odd } })).every((d) => d.name === 'odd')).toBe(true)
      expect(await c.remove({ uid: { in: odd } })).toBe(1250)
      expect(await c.count()).toBe(1250)
    })

    it('keeps what was written across a restart, with the unique field still unique', async () => {
      const s = await fresh()
      const first = await clients(s)
      await first.insert([client('a', 1), client('b', 2), client('c', 3)])
      await first.update({ uid: 'b' }, { name: 'Bea' })
      await first.remove({ uid: 'c' })
      const again = await clients(s)
      expect((await again.find()).sort(byUid)).toEqual([client('a', 1), client('b', 2, 'Bea')])
      await expect(again.insert(client('a', 5))).rejects.toThrow()
      await again.insert(client('c', 4))
      expect(await again.count()).toBe(3)
    })
  })
}
