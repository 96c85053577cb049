import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { AlarmService } from '../../../../src/main/core/alarms/alarm-service'
import type { PersistenceBackend } from '../../../../src/main/core/persistence/persistence-backend'
import type {
  AlarmEvent,
  AlarmPushData,
  AlarmRule,
  AlarmState
} from '../../../../src/shared/alarm-types'
import type { DeviceState } from '../../../../src/shared/api-types'
import type { StoredReport } from '../../../../src/shared/ingest-protocol'
import { eventually } from '../../../support/console'
import { capturingLogger, type LogLine } from '../../../support/log-lines'
import { nedbBackend } from '../../../support/store'
import { tempDirs } from '../../../support/temp-dir'
import { T0 } from './alarm-fixtures'

const dirs = tempDirs()
const opened: AlarmService[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()))
  await dirs.cleanup()
})

const HOT: AlarmRule = {
  id: 'hot',
  name: 'pump hot',
  devices: 'pump-*',
  field: 'temp',
  above: 80,
  severity: 'high',
  notify: ['phone-1']
}
const OPERATOR = { by: 'ana', via: 'api' } as const

/** Writes the spec can make fail, as a full disk would: the audit trail's, the alarms' state. */
interface Faults {
  audit: boolean
  state: boolean
}

/** The real NeDB backend, whose audit appends and alarm-state writes fail while `faults` say. */
function faultyBackend(
  dir: string,
  faults: Faults
): Pick<PersistenceBackend, 'collection' | 'dayLog'> {
  const backend = nedbBackend(dir)
  const failing = (): Promise<never> => Promise.reject(new Error('ENOSPC: no space left'))
  return {
    async collection(name, options) {
      const real = await backend.collection(name, options)
      if (name !== 'alarms') return real
      return {
        insert: (docs) => (faults.state ? failing() : real.insert(docs)),
        find: (filter) => real.find(filter),
        findOne: (filter) => real.findOne(filter),
        update: (filter, changes) => (faults.state ? failing() : real.update(filter, changes)),
        remove: (filter) => (faults.state ? failing() : real.remove(filter)),
        count: (filter) => real.count(filter)
      }
    },
    async dayLog(name, options) {
      const real = await backend.dayLog(name, options)
      return {
        append: (record) => (faults.audit ? failing() : real.append(record)),
        read: (range, order) => real.read(range, order),
        deleteBefore: (time) => real.deleteBefore(time),
        flush: () => real.flush()
      }
    }
  }
}

interface Harness {
  service: AlarmService
  clock: { now: number }
  /** Each push message the service had sent, in order. */
  sent: Array<{ id: string; to: string | undefined; data: AlarmPushData }>
  devices: DeviceState[]
  /** Each device's latest stored report, as the store would answer. */
  latest: Map<string, StoredReport>
  lines: LogLine[]
  faults: Faults
  dir: string
}

function device(id: string, lastSeen = T0): DeviceState {
  return {
    id,
    firstSeen: lastSeen,
    lastSeen,
    reports: 1,
    online: true,
    reportsPerMinute: 1
  } as DeviceState
}

function report(device: string, fields: Record<string, unknown>, time = T0): StoredReport {
  return { device, time, identity: 'anonymous', ...fields }
}

async function harness(
  options: {
    dir?: string
    rulesFile?: string
    maxRules?: number
    pushKeyRequired?: boolean
    devices?: DeviceState[]
    latest?: StoredReport[]
  } = {}
): Promise<Harness> {
  const dir = options.dir ?? (await dirs.make())
  const clock = { now: T0 }
  const sent: Harness['sent'] = []
  const devices = options.devices ?? [device('pump-1')]
  const latest = new Map((options.latest ?? []).map((r) => [r.device, r]))
  const { logger, lines } = capturingLogger()
  const faults: Faults = { audit: false, state: false }
  const service = await AlarmService.open({
    persistence: faultyBackend(dir, faults),
    rulesFile: options.rulesFile,
    devices: { list: () => devices },
    reports: {
      query: async ({ device }) => {
        const found = latest.get(device)
        return found === undefined ? [] : [found]
      }
    },
    messages: {
      send: async (to, data) => {
        const id = `m${sent.length + 1}`
        sent.push({ id, to, data: data as AlarmPushData })
        return { id, recipients: to === undefined ? [] : [to] }
      }
    },
    clientUids: () => ['phone-1'],
    retentionDays: 30,
    maxRules: options.maxRules ?? 100,
    maxDevices: 1000,
    pushKeyRequired: options.pushKeyRequired ?? true,
    maxAlarms: 1000,
    maxShelveMs: 8 * 3_600_000,
    flood: { threshold: 100, windowMs: 600_000 },
    logger,
    now: () => clock.now,
    tickMs: 3_600_000 // ticked by hand
  })
  opened.push(service)
  return { service, clock, sent, devices, latest, lines, faults, dir }
}

/** The audit trail's events of a type, once at least `count` of them are written. */
async function recorded(h: Harness, type: AlarmEvent['type'], count = 1): Promise<AlarmEvent[]> {
  let events: AlarmEvent[] = []
  await eventually(async () => {
    events = (await h.service.events({})).filter((e) => e.type === type)
    return events.length >= count
  }, `${count} ${type} events`)
  return events
}

/** The device maintenances in the data dir, as the next start would restore them. */
async function maintenanceKept(dir: string): Promise<unknown[]> {
  return (await nedbBackend(dir).collection('alarm-maintenance')).find()
}

function stateOf(h: Harness, device = 'pump-1'): AlarmState | undefined {
  return h.service.list({ device })[0]?.state
}

describe('AlarmService: phones acknowledging', () => {
  it('acks only the raise a message was about: an old message never acks a newer raise', async () => {
    const h = await harness()
    await h.service.createRule(HOT, OPERATOR)
    h.service.onStored([report('pump-1', { temp: 90 })])
    h.clock.now = T0 + 1000
    h.service.onStored([report('pump-1', { temp: 70 })]) // cleared, unacknowledged
    h.clock.now = T0 + 2000
    h.service.onStored([report('pump-1', { temp: 95 })]) // raised again
    await eventually(() => h.sent.length === 3, 'three messages')
    const [raised, cleared, raisedAgain] = h.sent.map((s) => s)
    expect(h.sent.map((s) => [s.data.event, s.data.raisedAt])).toEqual([
      ['raised', [T0]],
      ['cleared', [T0]],
      ['raised', [T0 + 2000]]
    ])
    const ack = (message: (typeof h.sent)[number]) =>
      h.service.onReceipt({ id: message.id, uid: 'phone-1', status: 'ack', data: message.data })

    // A `cleared` message acknowledges nothing, and is no refusal either.
    ack(cleared!)
    // The first raise's message: that raise is over; the new one is not acknowledged by it.
    ack(raised!)
    expect(stateOf(h)).toBe('active-unacked')
    const [refused] = await recorded(h, 'ack-refused')
    expect(refused).toMatchObject({
      alarm: raised!.data.alarms[0],
      rule: 'hot',
      device: 'pump-1',
      state: 'active-unacked',
      by: 'phone-1',
      via: 'push',
      detail: {
        reason: 'the message was about an earlier raise of the alarm',
        raisedAt: T0,
        message: raised!.id
      }
    })
    // The message of the raise now does.
    ack(raisedAgain!)
    expect(h.service.list({ device: 'pump-1' })[0]).toMatchObject({
      state: 'active-acked',
      ackedBy: 'phone-1'
    })
    expect(h.lines.filter((l) => l.msg === 'a phone acknowledged alarms')).toMatchObject([
      { uid: 'phone-1', message: raised!.id, acked: 0, refused: 1 },
      { uid: 'phone-1', message: raisedAgain!.id, acked: 1, refused: 0 }
    ])
  })

  it('records a refused phone ack (a comment required, acked already) as ack-refused, with why', async () => {
    const h = await harness()
    await h.service.createRule({ ...HOT, commentRequired: true }, OPERATOR)
    h.service.onStored([report('pump-1', { temp: 90 })])
    await eventually(() => h.sent.length === 1, 'the raise message')
    const [message] = h.sent
    const receipt = { id: message!.id, uid: 'phone-1', status: 'ack', data: message!.data }

    h.service.onReceipt(receipt)
    expect(stateOf(h)).toBe('active-unacked')
    await h.service.ack(message!.data.alarms[0]!, { comment: 'on it' }, OPERATOR)
    h.service.onReceipt({ ...receipt, comment: 'me too' })

    const refused = await recorded(h, 'ack-refused', 2)
    expect(
      refused.map((e) => [e.state, e.comment, (e.detail as { reason: string }).reason])
    ).toEqual([
      ['active-unacked', null, 'comment: required by this rule'],
      [
        'active-acked',
        'me too',
        `alarm ${message!.data.alarms[0]} is active-acked: nothing to acknowledge`
      ]
    ])
    // One log line per receipt, with its counts, not one per alarm.
    expect(h.lines.filter((l) => l.msg === 'a phone acknowledged alarms')).toMatchObject([
      { acked: 0, refused: 1 },
      { acked: 0, refused: 1 }
    ])
  })
})

describe('AlarmService: actions whose writes fail', () => {
  it('answers unavailable (503) when the audit record or the state could not be written', async () => {
    const h = await harness({ devices: [device('pump-1'), device('pump-2')] })
    await h.service.createRule({ ...HOT, notify: undefined }, OPERATOR)
    h.service.onStored([report('pump-1', { temp: 90 }), report('pump-2', { temp: 91 })])
    const [first, second] = h.service.list().map((a) => a.id)

    h.faults.audit = true
    await expect(h.service.ack(first!, {}, OPERATOR)).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/could not be written/)
    })
    // In force all the same: the console does not pretend it did not happen.
    expect(stateOf(h)).toBe('active-acked')
    h.faults.audit = false

    h.faults.state = true
    await expect(h.service.shelve(second!, { minutes: 5 }, OPERATOR)).rejects.toMatchObject({
      code: 'unavailable'
    })
    h.faults.state = false
    // Written again once the disk is back: unshelving is recorded, and answered.
    await expect(h.service.unshelve(second!, OPERATOR)).resolves.toMatchObject({
      state: 'active-unacked'
    })
  })
})

describe('AlarmService: reading the audit trail', () => {
  it('runs at most two reads at once, JSON or CSV: a third is too_soon, saying to retry', async () => {
    const h = await harness()
    await h.service.createRule(HOT, OPERATOR)
    const reads = [h.service.events({}), h.service.events({})]
    await expect(h.service.events({})).rejects.toMatchObject({
      code: 'too_soon',
      message: expect.stringMatching(/retry/)
    })
    await Promise.all(reads)

    const csv = h.service.eventsCsv({})
    const iterator = csv[Symbol.asyncIterator]()
    await iterator.next()
    const json = h.service.events({})
    expect(() => h.service.eventsCsv({})).toThrow(/retry/)
    await json
    // The export stopped early (its client went away): its slot is free again.
    await iterator.return!()
    const both = [h.service.events({}), h.service.events({})]
    await expect(Promise.all(both)).resolves.toHaveLength(2)
  })
})

describe('AlarmService: the rules file within --max-alarm-rules', () => {
  it('refuses to start when the file’s rules and the console’s are more than the bound', async () => {
    const dir = await dirs.make()
    const first = await harness({ dir, maxRules: 3 })
    await first.service.createRule({ ...HOT, id: 'a' }, OPERATOR)
    await first.service.createRule({ ...HOT, id: 'b' }, OPERATOR)
    await first.service.close()

    const path = join(await dirs.make(), 'rules.json')
    await writeFile(path, JSON.stringify({ rules: [HOT, { ...HOT, id: 'hot-2' }] }))
    await expect(harness({ dir, rulesFile: path, maxRules: 3 })).rejects.toThrow(
      `alarm rules file ${path}: 2 rules and 2 made in the console, more than --max-alarm-rules (3) allows in all`
    )
    const started = await harness({ dir, rulesFile: path, maxRules: 4 })
    expect(started.service.rules().map((r) => [r.id, r.source])).toEqual([
      ['a', 'console'],
      ['b', 'console'],
      ['hot', 'file'],
      ['hot-2', 'file']
    ])
  })
})

describe('AlarmService: phones on an open /push', () => {
  const warning = (lines: LogLine[]) => lines.filter((l) => /no --push-key/.test(l.msg))

  it('warns once, at start, when rules notify phones and /push takes any client', async () => {
    const dir = await dirs.make()
    const first = await harness({ dir })
    await first.service.createRule(HOT, OPERATOR)
    expect(warning(first.lines)).toEqual([]) // --push-key set
    await first.service.close()

    const open = await harness({ dir, pushKeyRequired: false })
    expect(warning(open.lines)).toMatchObject([{ level: 40, rules: 1 }])
    await open.service.createRule({ ...HOT, id: 'hot-2' }, OPERATOR)
    expect(warning(open.lines)).toHaveLength(1)
  })

  it('warns on the first rule that notifies, when none did at start', async () => {
    const h = await harness({ pushKeyRequired: false })
    await h.service.createRule({ ...HOT, notify: undefined }, OPERATOR)
    expect(warning(h.lines)).toEqual([])
    await h.service.createRule(
      { ...HOT, id: 'late', notify: undefined, escalate: { afterSeconds: 60, notify: 'all' } },
      OPERATOR
    )
    await h.service.createRule({ ...HOT, id: 'later' }, OPERATOR)
    expect(warning(h.lines)).toHaveLength(1)
  })
})

describe('AlarmService: re-evaluation and devices retention forgot', () => {
  it('raises a new rule whose condition holds in a device’s latest report, without a new report', async () => {
    const h = await harness({
      devices: [device('pump-1'), device('pump-2'), device('valve-1')],
      latest: [
        report('pump-1', { temp: 95 }),
        report('pump-2', { temp: 20 }),
        report('valve-1', { temp: 99 })
      ]
    })
    await h.service.createRule({ ...HOT, notify: undefined }, OPERATOR)
    await h.service.reevaluated()
    expect(h.service.list().map((a) => [a.device, a.state, a.value])).toEqual([
      ['pump-1', 'active-unacked', 95]
    ])
  })

  it('re-evaluates at start, after the state is restored, what the devices last reported', async () => {
    const dir = await dirs.make()
    const first = await harness({ dir, devices: [device('pump-1')] })
    await first.service.createRule({ ...HOT, notify: undefined }, OPERATOR)
    await first.service.close()

    const second = await harness({
      dir,
      devices: [device('pump-1')],
      latest: [report('pump-1', { temp: 88 })]
    })
    await second.service.reevaluated()
    expect(stateOf(second)).toBe('active-unacked')
  })

  it('lets go of the alarms and the maintenance of a device retention forgot, on disk too', async () => {
    const dir = await dirs.make()
    const h = await harness({ dir, devices: [device('pump-1'), device('pump-2')] })
    await h.service.createRule({ ...HOT, notify: undefined }, OPERATOR)
    h.service.onStored([report('pump-1', { temp: 90 })])
    await h.service.setMaintenance('pump-2', { minutes: 30 }, OPERATOR)
    expect(stateOf(h)).toBe('active-unacked')
    h.service.forgetDevices(['pump-1', 'pump-2'])
    expect(h.service.list()).toEqual([])
    await h.service.close()
    expect(await maintenanceKept(dir)).toEqual([])

    // Back later, pump-2 is in maintenance no more: its alarm raises.
    const again = await harness({ dir, devices: [device('pump-2')] })
    again.service.onStored([report('pump-2', { temp: 90 })])
    expect(stateOf(again, 'pump-2')).toBe('active-unacked')
  })

  it('removes a maintenance from disk when it runs out', async () => {
    const dir = await dirs.make()
    const h = await harness({ dir })
    await h.service.setMaintenance('pump-1', { minutes: 1 }, OPERATOR)
    h.clock.now = T0 + 60_000
    h.service.tick()
    await h.service.close()
    expect(await maintenanceKept(dir)).toEqual([])
  })
})
