import { describe, expect, it } from 'vitest'

import { ConsoleStore } from '../../../src/renderer/src/state/console-store'
import { compareNatural } from '../../../src/renderer/src/state/natural-order'
import { SortedItems } from '../../../src/renderer/src/state/sorted-items'
import { NO_FLOOD } from '../support/alarm-fixtures'

// Found in review: the devices panel listed `sim-1, sim-10, sim-100, sim-11 …`, as text sorts.

/** -1, 0 or 1 (never -0, which `toBe` tells from 0). */
const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0)

/** A fixed shuffle (no Math.random: a failure must come back the same). */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items]
  let seed = 7
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 48_271) % 2_147_483_647
    const j = seed % (i + 1)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

// Ids that make a comparator of digit runs slip: leading zeros, runs at the start and the end,
// runs longer than a double holds, digits beside letters, punctuation and invisible characters.
const TRICKY = [
  '',
  '0',
  '00',
  '000',
  '1',
  '01',
  '001',
  '9',
  '10',
  'a',
  'A',
  'B',
  'a0',
  'a00',
  'a1',
  'a01',
  'a1b',
  'a01b',
  'a1b2',
  'a1b02',
  'a10',
  'a2',
  'a!',
  'a~',
  'a-1',
  'a 1',
  'ab',
  'sim-1',
  'sim-01',
  'sim-2',
  'sim-10',
  'sim-100',
  'sim-1-2',
  'sim-1-10',
  'sim-1.5',
  'sim-1.10',
  'x12345678901234567890',
  'x12345678901234567891',
  'x9999999999999999999',
  'x012345678901234567890',
  'p\u200b1',
  'p1',
  'ä1',
  'ä10',
  'ä2',
  '😀1',
  '😀10'
]

describe('natural order of ids', () => {
  it('lists numbered ids as people count them', () => {
    const ids = Array.from({ length: 120 }, (_, i) => `sim-${i + 1}`)
    expect(shuffled(ids).sort(compareNatural)).toEqual(ids)
    expect(
      ['plc-10-b', 'plc-2-b', 'plc-2-a', 'pump', 'plc-10-a', 'plc-1'].sort(compareNatural)
    ).toEqual(['plc-1', 'plc-2-a', 'plc-2-b', 'plc-10-a', 'plc-10-b', 'pump'])
    // Numbers of any length, past what a double holds exactly.
    expect(compareNatural('x12345678901234567890', 'x12345678901234567891')).toBeLessThan(0)
    expect(compareNatural('x9999999999999999999', 'x12345678901234567890')).toBeLessThan(0)
  })

  it('orders the rest by code units, as the console does, whatever the locale', () => {
    expect(['b', 'a', 'B', 'ä', '_'].sort(compareNatural)).toEqual(['B', '_', 'a', 'b', 'ä'])
  })

  it('is a total order: antisymmetric, transitive, and 0 only for the same id', () => {
    for (const a of TRICKY)
      for (const b of TRICKY) {
        const ab = sign(compareNatural(a, b))
        expect(ab, `${a} vs ${b}`).toBe(sign(-compareNatural(b, a)))
        expect(ab === 0, `${a} vs ${b}`).toBe(a === b)
        for (const c of TRICKY)
          if (ab < 0 && compareNatural(b, c) < 0)
            expect(compareNatural(a, c), `${a} < ${b} < ${c}`).toBeLessThan(0)
      }
  })

  it('keeps 10,000 devices in that order as they arrive a few at a time', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `sim-${i + 1}`)
    const items = new SortedItems<{ id: string }>((i) => i.id, compareNatural)
    const unique = [...new Set([...ids, ...TRICKY])]
    const arriving = shuffled(unique)
    let all: Array<{ id: string }> = []
    for (let i = 0; i < arriving.length; i += 37)
      all = items.apply(
        arriving.slice(i, i + 37).map((id) => ({ id })),
        false
      )
    expect(all.map((i) => i.id)).toEqual(unique.sort(compareNatural))
    expect(all.slice(0, 3).map((i) => i.id)).toEqual(['', '0', '00'])
  })

  it('is the order of the devices and push clients the panels and pickers show', () => {
    const queued: Array<() => void> = []
    const s = new ConsoleStore(
      () => 5_000,
      (run) => queued.push(run)
    )
    const device = (id: string) => ({
      id,
      identity: 'anonymous',
      firstSeen: 1,
      lastSeen: 2,
      reports: 1,
      online: true,
      reportsPerMinute: 1
    })
    const client = (uid: string) => ({
      uid,
      name: null,
      online: true,
      connectedSince: 1,
      lastReceipt: null,
      tokenHint: 'abcd…'
    })
    s.events.snapshot({
      devices: ['sim-10', 'sim-1', 'sim-100'].map(device),
      clients: ['phone-12', 'phone-3'].map(client),
      reports: [],
      metrics: [],
      alarms: [],
      alarmFlood: NO_FLOOD,
      sources: []
    })
    s.events.devices(['sim-2', 'sim-11'].map(device))
    s.events.clients(['phone-1'].map(client))
    queued.splice(0).forEach((run) => run())
    expect(s.getView().devices.map((d) => d.id)).toEqual([
      'sim-1',
      'sim-2',
      'sim-10',
      'sim-11',
      'sim-100'
    ])
    expect(s.getView().clients.map((c) => c.uid)).toEqual(['phone-1', 'phone-3', 'phone-12'])
  })
})
