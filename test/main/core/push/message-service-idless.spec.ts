import { describe, expect, it } from 'vitest'

import type { MessageReceipt } from '../../../../src/main/core/push/message-service'
import { messageServices } from '../../../support/message-services'

const services = messageServices()
/** 2026-12-01T14:03:00Z */
const T0 = Date.UTC(2026, 11, 1, 14, 3)

describe('MessageService receipts without an id (Android-era clients)', () => {
  it('attributes one to the last message sent to that client, and tells the listeners its id', async () => {
    const { messages, clients, delivered } = await services.open(
      await services.dirs.make(),
      () => T0
    )
    await clients.register('phone-1', null)
    await clients.register('phone-2', null)
    clients.connected('phone-1')
    clients.connected('phone-2')
    const heard: MessageReceipt[] = []
    messages.onReceipt((r) => heard.push(r))

    const first = await messages.send('phone-1', { n: 1 })
    const second = await messages.send(undefined, { n: 2 })
    const other = await messages.send('phone-2', { n: 3 })
    expect(delivered.map((d) => d.message.id)).toEqual([first.id, second.id, second.id, other.id])

    messages.receipt('phone-1', { status: 'ack', comment: 'seen it' })
    expect(heard).toEqual([{ uid: 'phone-1', id: second.id, status: 'ack', comment: 'seen it' }])
    const status = await messages.status(second.id)
    expect(status?.recipients.find((r) => r.uid === 'phone-1')?.receipt).toEqual({
      status: 'ack',
      time: T0
    })
    expect((await messages.status(first.id))?.recipients[0]?.receipt).toBeNull()
  })

  it('refuses one from a client that was sent nothing yet: a message still queued is not its', async () => {
    const { messages, clients } = await services.open(await services.dirs.make(), () => T0)
    await clients.register('phone-1', null)
    await messages.send('phone-1', { n: 1 }) // offline: queued, not sent
    expect(() => messages.receipt('phone-1', { status: 'ack' })).toThrow(
      expect.objectContaining({ code: 'not_found' })
    )
  })
})
