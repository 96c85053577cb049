import { describe, expect, it } from 'vitest'

import {
  AlarmNotifier,
  type AlarmNotifierOptions
} from '../../../../src/main/core/alarms/alarm-notifier'
import { alarmsAckedBy } from '../../../../src/main/core/alarms/alarm-receipts'
import { silentLogger } from '../../../../src/main/core/runtime/logger'
import type { AlarmEvent, AlarmPushData } from '../../../../src/shared/alarm-types'
import { messageServices, type OpenedMessages } from '../../../support/message-services'
import { alarm, flood, T0 } from './alarm-fixtures'

const services = messageServices()

interface Harness extends OpenedMessages {
  notifier: AlarmNotifier
  /** Every message the notifier had the real MessageService accept: to whom, what. */
  sent: Array<{ to: string | undefined; data: AlarmPushData; id: string }>
  audited: AlarmEvent[]
  clock: { now: number }
  flooding: { active: boolean }
}

/**
 * A notifier over a real MessageService and push client registry; `online` phones are
 * registered and connected, `offline` ones registered only.
 */
async function harness(
  online: string[],
  offline: string[] = [],
  options: Partial<AlarmNotifierOptions> = {}
): Promise<Harness> {
  const clock = { now: T0 }
  const opened = await services.open(await services.dirs.make(), () => clock.now)
  for (const uid of [...online, ...offline]) await opened.clients.register(uid, null)
  for (const uid of online) opened.clients.connected(uid)
  const sent: Harness['sent'] = []
  const audited: AlarmEvent[] = []
  const flooding = { active: false }
  const notifier = new AlarmNotifier({
    messages: {
      async send(to, data) {
        const accepted = await opened.messages.send(to, data)
        sent.push({ to, data: data as AlarmPushData, id: accepted.id })
        return accepted
      }
    },
    clientUids: () => opened.clients.list().map((c) => c.uid),
    flood: () => flood(flooding.active),
    audit: (event) => audited.push(event),
    logger: silentLogger(),
    now: () => clock.now,
    ...options
  })
  return { ...opened, notifier, sent, audited, clock, flooding }
}

describe('AlarmNotifier', () => {
  it('sends a raise to its phone as one message with the alarm, and audits it', async () => {
    const h = await harness(['phone-1', 'phone-2'])
    h.notifier.notify({ kind: 'raised', alarm: alarm('a1'), targets: ['phone-1'] })
    await h.notifier.settled()

    const data: AlarmPushData = {
      type: 'alarm',
      event: 'raised',
      alarms: ['a1'],
      raisedAt: [T0],
      severity: 'critical',
      text: 'CRITICAL boiler too hot — plc-a1: 97 (raised 14:03 UTC)',
      time: T0
    }
    expect(h.sent).toEqual([{ to: 'phone-1', data, id: expect.any(String) }])
    const id = h.sent[0]!.id
    expect(h.delivered).toEqual([
      { uid: 'phone-1', message: { id, data, broadcast: false, time: T0 } }
    ])
    expect(h.messages.data(id)).toEqual(data)
    expect(h.audited).toEqual([
      {
        time: T0,
        type: 'notified',
        alarm: 'a1',
        rule: 'boiler-hot',
        device: 'plc-a1',
        severity: 'critical',
        state: 'active-unacked',
        by: 'system',
        via: 'system',
        comment: null,
        detail: { uids: ['phone-1'], messages: [id], kind: 'raised' }
      }
    ])
  })

  it('sends `all` to every registered phone: an offline one gets it when it comes back', async () => {
    const h = await harness(['phone-1'], ['phone-2'])
    h.notifier.notify({ kind: 'raised', alarm: alarm('a1'), targets: 'all' })
    await h.notifier.settled()
    expect(h.sent.map((s) => s.to).sort()).toEqual(['phone-1', 'phone-2'])
    const toPhone2 = h.sent.find((s) => s.to === 'phone-2')!
    expect((await h.messages.status(toPhone2.id))?.recipients).toMatchObject([
      { uid: 'phone-2', state: 'queued' }
    ])
    expect(h.delivered.map((d) => d.uid)).toEqual(['phone-1'])

    h.clients.connected('phone-2')
    await h.messages.flushQueue('phone-2')
    expect(h.delivered.map((d) => d.uid)).toEqual(['phone-1', 'phone-2'])
    expect(h.delivered[1]!.message.data).toMatchObject({ alarms: ['a1'], event: 'raised' })
  })

  it('audits an unknown uid as notify-failed, never throws, and still tells the others', async () => {
    const h = await harness(['phone-1'])
    expect(() =>
      h.notifier.notify({ kind: 'raised', alarm: alarm('a1'), targets: ['ghost', 'phone-1'] })
    ).not.toThrow()
    await h.notifier.settled()
    expect(h.sent.map((s) => s.to)).toEqual(['phone-1'])
    expect(h.audited.map((e) => [e.type, e.detail])).toEqual([
      ['notify-failed', { uid: 'ghost', reason: 'no push client has the uid or token "ghost"' }],
      ['notified', { uids: ['phone-1'], messages: [h.sent[0]!.id], kind: 'raised' }]
    ])
  })

  it('audits `all` with no phone registered as notify-failed', async () => {
    const h = await harness([])
    h.notifier.notify({ kind: 'raised', alarm: alarm('a1'), targets: 'all' })
    await h.notifier.settled()
    expect(h.sent).toEqual([])
    expect(h.audited.map((e) => [e.type, e.alarm, e.detail])).toEqual([
      ['notify-failed', 'a1', { uid: null, reason: 'no push client is registered' }]
    ])
  })

  it('says an escalation and a value-less (stale) raise in one line each', async () => {
    const h = await harness(['phone-1'])
    h.clock.now = T0 + 15 * 60_000
    h.notifier.notify({
      kind: 'escalated',
      alarm: alarm('a1', { severity: 'high', value: 'line1\nline2' }),
      targets: ['phone-1']
    })
    h.notifier.notify({
      kind: 'raised',
      alarm: alarm('a2', { name: 'no reports', severity: 'medium', value: null }),
      targets: ['phone-1']
    })
    await h.notifier.settled()
    expect(h.sent.map((s) => [s.data.event, s.data.severity, s.data.text, s.data.time])).toEqual([
      [
        'escalated',
        'high',
        'ESCALATED HIGH boiler too hot — plc-a1: line1 line2, unacknowledged since 14:03 UTC',
        T0 + 15 * 60_000
      ],
      ['raised', 'medium', 'MEDIUM no reports — plc-a1 (raised 14:03 UTC)', T0 + 15 * 60_000]
    ])
  })

  it('sends a clear only to the phones told of the alarm', async () => {
    const h = await harness(['phone-1', 'phone-2', 'phone-3'])
    h.notifier.notify({ kind: 'raised', alarm: alarm('a1'), targets: ['phone-1', 'ghost'] })
    h.notifier.notify({ kind: 'escalated', alarm: alarm('a1'), targets: ['phone-2'] })
    await h.notifier.settled()
    h.sent.length = 0

    const cleared = alarm('a1', { state: 'cleared-unacked', clearedAt: T0 + 1000 })
    const everyone = ['phone-1', 'phone-2', 'phone-3', 'ghost']
    h.notifier.notify({ kind: 'cleared', alarm: cleared, targets: everyone })
    await h.notifier.settled()
    expect(h.sent.map((s) => s.to).sort()).toEqual(['phone-1', 'phone-2'])
    expect(h.sent[0]!.data).toMatchObject({
      event: 'cleared',
      alarms: ['a1'],
      text: 'cleared: boiler too hot — plc-a1'
    })
    expect(h.audited.at(-1)?.detail).toMatchObject({ kind: 'cleared' })

    // An alarm this notifier never told anyone of (raised before a restart): its targets.
    h.sent.length = 0
    h.notifier.notify({ kind: 'cleared', alarm: alarm('a9'), targets: ['phone-3'] })
    await h.notifier.settled()
    expect(h.sent.map((s) => s.to)).toEqual(['phone-3'])
  })

  it('during a flood sends one summary per phone a minute instead of 25 messages', async () => {
    const h = await harness(['phone-1', 'phone-2'], ['phone-3'])
    h.flooding.active = true
    for (let i = 0; i < 25; i++) {
      h.clock.now = T0 + i * 1000
      const severity = i === 7 ? 'critical' : 'high'
      const targets = i < 20 ? ['phone-1', 'phone-2'] : ['phone-1']
      h.notifier.notify({ kind: 'raised', alarm: alarm(`a${i}`, { severity }), targets })
      h.notifier.tick()
    }
    // Escalated within the same minute: still one alarm of the summary.
    h.notifier.notify({ kind: 'escalated', alarm: alarm('a3'), targets: ['phone-1'] })
    // A clear during a flood is counted in the summary of each phone told of it (a4: both).
    h.notifier.notify({ kind: 'cleared', alarm: alarm('a4'), targets: ['phone-1'] })
    h.clock.now = T0 + 59_999
    h.notifier.tick()
    await h.notifier.settled()
    expect(h.sent).toEqual([])

    h.clock.now = T0 + 60_000
    h.notifier.tick()
    h.notifier.tick()
    await h.notifier.settled()
    expect(h.sent.map((s) => s.to).sort()).toEqual(['phone-1', 'phone-2'])
    const toPhone1 = h.sent.find((s) => s.to === 'phone-1')!.data
    const toPhone2 = h.sent.find((s) => s.to === 'phone-2')!.data
    expect(toPhone1).toEqual({
      type: 'alarm',
      event: 'flood',
      alarms: Array.from({ length: 25 }, (_, i) => `a${i}`),
      raisedAt: Array.from({ length: 25 }, () => T0),
      severity: 'critical',
      text: 'FLOOD: 25 alarms in the last minute, 1 cleared, worst CRITICAL boiler too hot — plc-a1',
      time: T0 + 60_000
    })
    expect(toPhone2.alarms).toHaveLength(20)
    expect(toPhone2.text).toMatch(/^FLOOD: 20 alarms in the last minute, 1 cleared, worst CRITICAL/)
    expect(h.audited.map((e) => [e.type, e.alarm, e.severity, e.detail])).toEqual([
      [
        'notified',
        null,
        'critical',
        {
          uids: expect.arrayContaining(['phone-1', 'phone-2']),
          messages: expect.arrayContaining(h.sent.map((s) => s.id)),
          kind: 'flood'
        }
      ]
    ])

    // The next minute's raises make the next minute's summary, and nothing in between.
    h.sent.length = 0
    h.clock.now = T0 + 70_000
    h.notifier.notify({ kind: 'raised', alarm: alarm('b1'), targets: ['phone-1'] })
    h.clock.now = T0 + 129_999
    h.notifier.tick()
    await h.notifier.settled()
    expect(h.sent).toEqual([])
    h.clock.now = T0 + 130_000
    h.notifier.tick()
    await h.notifier.settled()
    expect(h.sent.map((s) => [s.to, s.data.text])).toEqual([
      ['phone-1', 'FLOOD: 1 alarm in the last minute, worst CRITICAL boiler too hot — plc-a1']
    ])
  })

  it('tells a phone whose alarms only cleared in a flood’s minute in one cleared message, which acks nothing', async () => {
    const h = await harness(['phone-1', 'phone-2'])
    for (const id of ['a1', 'a2', 'a3'])
      h.notifier.notify({ kind: 'raised', alarm: alarm(id), targets: ['phone-1'] })
    await h.notifier.settled()
    h.sent.length = 0
    h.flooding.active = true
    h.notifier.notify({ kind: 'raised', alarm: alarm('b1'), targets: ['phone-2'] })
    for (const id of ['a1', 'a2', 'a3']) {
      h.clock.now += 1000
      h.notifier.notify({ kind: 'cleared', alarm: alarm(id, { name: `tank ${id}` }), targets: [] })
    }
    h.clock.now = T0 + 60_000
    h.notifier.tick()
    await h.notifier.settled()
    expect(h.sent.map((s) => [s.to, s.data.event, s.data.alarms, s.data.text])).toEqual([
      [
        'phone-2',
        'flood',
        ['b1'],
        expect.stringMatching(/^FLOOD: 1 alarm in the last minute, worst/)
      ],
      [
        'phone-1',
        'cleared',
        ['a1', 'a2', 'a3'],
        'cleared: 3 alarms in the last minute (flood), latest tank a3 — plc-a1'
      ]
    ])
    const clearedData = h.sent[1]!.data
    expect(alarmsAckedBy(clearedData, 'ack')).toEqual([])
    // Cleared once: nothing of it is sent again.
    h.sent.length = 0
    h.clock.now = T0 + 200_000
    h.notifier.tick()
    await h.notifier.settled()
    expect(h.sent).toEqual([])
  })

  it('names at most 100 alarms in a summary, with their raises, and counts the rest in its text', async () => {
    const h = await harness(['phone-1'])
    h.flooding.active = true
    for (let i = 0; i < 1500; i++)
      h.notifier.notify({
        kind: 'raised',
        alarm: alarm(`a${i}`, { raisedAt: T0 + i }),
        targets: i % 2 === 0 ? 'all' : ['phone-1']
      })
    h.clock.now = T0 + 60_000
    h.notifier.tick()
    h.notifier.tick()
    await h.notifier.settled()
    // Two batches (`all`, and phone-1 alone), one phone: still one message this minute.
    expect(h.sent).toHaveLength(1)
    const { data } = h.sent[0]!
    expect(data.alarms).toHaveLength(100)
    expect(data.raisedAt).toEqual(data.alarms.map((id) => T0 + Number(id.slice(1))))
    expect(data.text).toBe(
      'FLOOD: 1500 alarms in the last minute (100 in this message, 1400 more in the console), ' +
        'worst CRITICAL boiler too hot — plc-a1'
    )
  })

  it('names the newer raise of an alarm raised twice in a summary’s minute', async () => {
    const h = await harness(['phone-1'])
    h.flooding.active = true
    h.notifier.notify({ kind: 'raised', alarm: alarm('a1'), targets: ['phone-1'] })
    h.notifier.notify({ kind: 'raised', alarm: alarm('a2'), targets: ['phone-1'] })
    h.notifier.notify({
      kind: 'raised',
      alarm: alarm('a1', { raisedAt: T0 + 30_000 }),
      targets: ['phone-1']
    })
    h.clock.now = T0 + 60_000
    h.notifier.tick()
    await h.notifier.settled()
    expect(h.sent.map((s) => [s.data.alarms, s.data.raisedAt])).toEqual([
      [
        ['a1', 'a2'],
        [T0 + 30_000, T0]
      ]
    ])
  })

  it('sends nothing once stopped', async () => {
    const h = await harness(['phone-1'])
    h.flooding.active = true
    h.notifier.notify({ kind: 'raised', alarm: alarm('a1'), targets: ['phone-1'] })
    h.notifier.stop()
    h.flooding.active = false
    h.notifier.notify({ kind: 'raised', alarm: alarm('a2'), targets: ['phone-1'] })
    h.clock.now = T0 + 60_000
    h.notifier.tick()
    await h.notifier.settled()
    expect(h.sent).toEqual([])
    expect(h.audited).toEqual([])
  })
})
