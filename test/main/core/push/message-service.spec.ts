import { describe, expect, it } from 'vitest'

import type { MessageReceipt } from '../../../../src/main/core/push/message-service'
import { messageServices } from '../../../support/message-services'

const services = messageServices()
/** 2026-12-01T14:03:00Z */
const T0 = Date.UTC(2026, 11, 1, 14, 3)

describe('MessageService receipts', () => {
  it('tells its receipt listeners of a receipt once it is recorded, comment included', async () => {
    const now = T0
    const { messages, clients } = await services.open(await services.dirs.make(), () => now)
    await clients.register('phone-1', null)
    const { id } = await messages.send('phone-1', { type: 'note' })
    const heard: MessageReceipt[] = []
    const recorded: unknown[] = []
    const stop = messages.onReceipt((receipt) => {
      heard.push(receipt)
      recorded.push(structuredClone(messages.data(receipt.id)))
    })

    messages.receipt('phone-1', { id, status: 'ack', comment: 'on my way' })
    messages.receipt('phone-1', { id, status: 'read' })
    expect(heard).toEqual([
      { uid: 'phone-1', id, status: 'ack', comment: 'on my way' },
      { uid: 'phone-1', id, status: 'read' }
    ])
    expect(recorded).toEqual([{ type: 'note' }, { type: 'note' }])
    expect((await messages.status(id))?.recipients[0]?.receipt).toEqual({
      status: 'read',
      time: T0
    })

    stop()
    messages.receipt('phone-1', { id, status: 'seen' })
    expect(heard).toHaveLength(2)
  })

  it('records a receipt even when a listener throws, and tells the other listeners', async () => {
    const { messages, clients } = await services.open(await services.dirs.make(), () => T0)
    await clients.register('phone-1', null)
    const { id } = await messages.send('phone-1', { n: 1 })
    const heard: string[] = []
    messages.onReceipt(() => {
      throw new Error('listener broke')
    })
    messages.onReceipt((r) => heard.push(r.status))
    expect(() => messages.receipt('phone-1', { id, status: 'ack' })).not.toThrow()
    expect(heard).toEqual(['ack'])
    expect((await messages.status(id))?.recipients[0]?.receipt?.status).toBe('ack')
  })

  it('gives the data of a live message, also after a restart, and nothing for other ids', async () => {
    const dir = await services.dirs.make()
    const now = T0
    const first = await services.open(dir, () => now)
    await first.clients.register('phone-1', null)
    const { id } = await first.messages.send('phone-1', { type: 'alarm', alarms: ['a1'] })
    expect(first.messages.data(id)).toEqual({ type: 'alarm', alarms: ['a1'] })
    expect(first.messages.data('not-a-message')).toBeUndefined()
    await first.messages.close()
    await first.clients.close()

    const again = await services.open(dir, () => now + 60_000)
    expect(again.messages.data(id)).toEqual({ type: 'alarm', alarms: ['a1'] })
  })
})
