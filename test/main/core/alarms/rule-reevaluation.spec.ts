import { describe, expect, it } from 'vitest'

import { RuleReevaluation } from '../../../../src/main/core/alarms/rule-reevaluation'
import { silentLogger } from '../../../../src/main/core/runtime/logger'
import type { AlarmRule } from '../../../../src/shared/alarm-types'
import type { DeviceState } from '../../../../src/shared/api-types'
import type { StoredReport } from '../../../../src/shared/ingest-protocol'

const rule = (id: string, devices: string, extra: Partial<AlarmRule> = {}): AlarmRule => ({
  id,
  name: id,
  devices,
  field: 'temp',
  above: 80,
  severity: 'high',
  ...extra
})

/** A store whose latest-report queries wait until the spec answers them. */
function slowStore() {
  const waiting: Array<{ device: string; answer: () => void }> = []
  let inFlight = 0
  let mostInFlight = 0
  const asked: string[] = []
  return {
    waiting,
    mostInFlight: () => mostInFlight,
    asked: () => [...asked],
    reports: {
      query: ({ device }: { device: string }) =>
        new Promise<StoredReport[]>((resolve) => {
          asked.push(device)
          inFlight++
          mostInFlight = Math.max(mostInFlight, inFlight)
          waiting.push({
            device,
            answer: () => {
              inFlight--
              resolve([{ device, time: 1, identity: 'anonymous', temp: 90 }])
            }
          })
        })
    },
    /** Answers every query asked so far, and those they lead to, until none is left. */
    async answerAll(): Promise<void> {
      while (waiting.length > 0) {
        for (const w of waiting.splice(0)) w.answer()
        await new Promise<void>((resolve) => setImmediate(resolve))
      }
    }
  }
}

function setup(rules: AlarmRule[], ids: string[], maxDevices = 1000) {
  const store = slowStore()
  const evaluated: string[][] = []
  const reevaluation = new RuleReevaluation({
    devices: { list: () => ids.map((id) => ({ id }) as DeviceState) },
    reports: store.reports,
    rules: () => rules,
    reevaluate: (reports) => evaluated.push(reports.map((r) => r.device)),
    maxDevices,
    logger: silentLogger()
  })
  return { store, evaluated, reevaluation }
}

describe('RuleReevaluation', () => {
  it('does not read the latest of a device that reported since the pass began', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `pump-${i}`)
    const { store, evaluated, reevaluation } = setup([rule('hot', 'pump-*')], ids)
    reevaluation.schedule('all')
    // pump-5…9 report while the first reads wait: their reports met the new rules already.
    for (const id of ids.slice(5)) reevaluation.sawReport(id)
    await store.answerAll()
    await reevaluation.idle()
    expect(evaluated.flat().sort()).toEqual(ids.slice(0, 5).sort())
    // Read were the four asked at once and pump-4: none of the five that reported.
    expect(store.asked().sort()).toEqual(ids.slice(0, 5).sort())
  })

  it('reads the latest report of each device the rules match, a few at a time, within maxDevices', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `pump-${i}`)
    const { store, evaluated, reevaluation } = setup(
      [rule('hot', 'pump-*'), rule('beat', '*', { field: undefined, above: undefined, stale: 30 })],
      [...ids, 'valve-1'],
      12
    )
    reevaluation.schedule('all')
    await store.answerAll()
    await reevaluation.idle()
    expect(store.mostInFlight()).toBe(4)
    // A `stale` rule needs no report: valve-1 is read for no rule.
    expect(evaluated.flat().sort()).toEqual(ids.slice(0, 12).sort())
  })

  it('leaves out a device that reported while its latest was being read', async () => {
    const { store, evaluated, reevaluation } = setup([rule('hot', 'pump-*')], ['pump-1', 'pump-2'])
    reevaluation.schedule(['hot'])
    expect(store.waiting.map((w) => w.device)).toEqual(['pump-1', 'pump-2'])
    reevaluation.sawReport('pump-1') // evaluated by its own, newer report already
    await store.answerAll()
    await reevaluation.idle()
    expect(evaluated).toEqual([['pump-2']])
  })

  it('reads only for the rules asked for, and makes one more pass for changes during one', async () => {
    const rules = [rule('hot', 'pump-*'), rule('cold', 'valve-*')]
    const { store, evaluated, reevaluation } = setup(rules, ['pump-1', 'valve-1'])
    reevaluation.schedule(['cold'])
    expect(store.waiting.map((w) => w.device)).toEqual(['valve-1'])
    reevaluation.schedule(['hot'])
    reevaluation.schedule(['hot', 'missing'])
    await store.answerAll()
    await reevaluation.idle()
    expect(evaluated).toEqual([['valve-1'], ['pump-1']])
  })

  it('reads nothing more once closed', async () => {
    const { store, evaluated, reevaluation } = setup([rule('hot', 'pump-*')], ['pump-1'])
    reevaluation.schedule('all')
    const closed = reevaluation.close()
    await store.answerAll()
    await closed
    reevaluation.schedule('all')
    expect(store.waiting).toEqual([])
    expect(evaluated).toEqual([])
  })
})
