import { describe, expect, it } from 'vitest'

import { AlarmNotifier } from '../../../../src/main/core/alarms/alarm-notifier'
import { alarmsAckedBy, type AckedRaise } from '../../../../src/main/core/alarms/alarm-receipts'
import { silentLogger } from '../../../../src/main/core/runtime/logger'
import type { AlarmPushData } from '../../../../src/shared/alarm-types'
import { messageServices } from '../../../support/message-services'
import { alarm, flood, T0 } from './alarm-fixtures'

const services = messageServices()

function pushData(
  alarms: string[],
  raisedAt: (number | null)[] = alarms.map(() => T0)
): AlarmPushData {
  return {
    type: 'alarm',
    event: 'flood',
    alarms,
    raisedAt,
    severity: 'high',
    text: 'FLOOD',
    time: T0
  }
}

describe('alarmsAckedBy', () => {
  it('maps a phone’s `ack` on an alarm message, sent and traced back by the real services, to its alarms', async () => {
    const dir = await services.dirs.make()
    const now = T0
    const first = await services.open(dir, () => now)
    await first.clients.register('phone-1', null)
    const ids: string[] = []
    const notifier = new AlarmNotifier({
      messages: {
        send: async (to, data) => {
          const accepted = await first.messages.send(to, data)
          ids.push(accepted.id)
          return accepted
        }
      },
      clientUids: () => ['phone-1'],
      flood: () => flood(false),
      audit: () => undefined,
      logger: silentLogger(),
      now: () => now
    })
    notifier.notify({ kind: 'raised', alarm: alarm('a1'), targets: ['phone-1'] })
    await notifier.settled()

    const acked: AckedRaise[][] = []
    first.messages.onReceipt((r) => acked.push(alarmsAckedBy(first.messages.data(r.id), r.status)))
    first.messages.receipt('phone-1', { id: ids[0]!, status: 'seen' })
    first.messages.receipt('phone-1', { id: ids[0]!, status: ' ACK ', comment: 'on it' })
    expect(acked).toEqual([[], [{ id: 'a1', raisedAt: T0 }]])

    // After a restart the live message is reloaded: its receipt still leads to its alarm.
    await first.messages.close()
    const again = await services.open(dir, () => now + 60_000)
    expect(alarmsAckedBy(again.messages.data(ids[0]!), 'ack')).toEqual([{ id: 'a1', raisedAt: T0 }])
  })

  it('acks every alarm of a flood summary with the raise it names, once each and at most 100', () => {
    expect(alarmsAckedBy(pushData(['a1', 'a2', 'a1'], [T0, null, T0 + 1]), 'Ack')).toEqual([
      { id: 'a1', raisedAt: T0 },
      { id: 'a2', raisedAt: null }
    ])
    const many = Array.from({ length: 1500 }, (_, i) => `a${i}`)
    expect(alarmsAckedBy(pushData(many), 'ack')).toEqual(
      many.slice(0, 100).map((id) => ({ id, raisedAt: T0 }))
    )
  })

  it.each([
    ['read', pushData(['a1'])],
    ['acknowledged', pushData(['a1'])],
    ['ack', { text: 'shift change at 14:00' }],
    ['ack', 'all hands'],
    ['ack', null],
    ['ack', undefined],
    ['ack', { ...pushData(['a1']), type: 'note' }],
    ['ack', { ...pushData(['a1']), alarms: 'a1' }],
    ['ack', { ...pushData(['a1']), alarms: ['a1', 7] }],
    ['ack', { ...pushData(['a1']), severity: 'urgent' }],
    // A clear was not what the phone was asked to acknowledge.
    ['ack', { ...pushData(['a1']), event: 'cleared' }],
    // Which raise it meant cannot be told: from an earlier version, or made up.
    ['ack', { ...pushData(['a1']), raisedAt: undefined }],
    ['ack', { ...pushData(['a1', 'a2']), raisedAt: [T0] }],
    ['ack', { ...pushData(['a1']), raisedAt: ['14:03'] }]
  ])('acks nothing for status %j on %j', (status, data) => {
    expect(alarmsAckedBy(data, status)).toEqual([])
  })
})
