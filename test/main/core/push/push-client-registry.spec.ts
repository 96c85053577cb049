import { describe, expect, it } from 'vitest'

import { pushClientRegistries } from '../../../support/push-clients'

const { dirs, open: registry } = pushClientRegistries({ retentionDays: 30 })
const DAY = 86_400_000

describe('PushClientRegistry retention', () => {
  it('deletes clients not seen for the retention time, in batches, never a connected one', async () => {
    const dir = await dirs.make()
    let now = 100 * DAY
    const clients = await registry(dir, () => now)
    // More than one batch of stale clients (a flood of registrations), and a few that stay.
    const stale = Array.from({ length: 2500 }, (_, i) => `flood-${i}`)
    for (const uid of stale) await clients.register(uid, null)
    const token = await clients.register('phone-connected', 'Phone')
    clients.connected('phone-connected')
    await clients.register('phone-left', null)
    clients.connected('phone-left')
    now += 20 * DAY
    clients.disconnected('phone-left') // seen 20 days later than the flood
    now += 11 * DAY

    expect(await clients.prune()).toBe(2500)
    expect(clients.list().map((c) => c.uid)).toEqual(['phone-connected', 'phone-left'])
    expect(clients.resolve(token)).toBe('phone-connected')

    // And from the file: a restart keeps only those two, with their tokens.
    await clients.close()
    const reopened = await registry(dir, () => now)
    expect(reopened.list().map((c) => c.uid)).toEqual(['phone-connected', 'phone-left'])
    expect(reopened.resolve(token)).toBe('phone-connected')
  })
})

describe('PushClientRegistry bounds', () => {
  it('refuses a new uid beyond the most registered clients, never a known one', async () => {
    const dir = await dirs.make()
    const clients = await registry(dir, Date.now, { maxRegisteredClients: 3 })
    for (const uid of ['a', 'b', 'c']) await clients.register(uid, null)
    await expect(clients.register('d', null)).rejects.toMatchObject({
      code: 'too_many_clients',
      message: expect.stringMatching(/at most 3 push clients/)
    })
    expect(typeof (await clients.register('b', 'renamed'))).toBe('string')
    expect(clients.list().map((c) => c.uid)).toEqual(['a', 'b', 'c'])
  })

  it('holds the cap against new uids registering at the same moment', async () => {
    const dir = await dirs.make()
    const clients = await registry(dir, Date.now, { maxRegisteredClients: 3 })
    await clients.register('a', null)
    const answers = await Promise.allSettled(
      ['b', 'c', 'd', 'e'].map((uid) => clients.register(uid, null))
    )
    expect(answers.filter((a) => a.status === 'fulfilled')).toHaveLength(2)
    expect(clients.list()).toHaveLength(3)
  })

  it('builds its sorted list once until something changes', async () => {
    const dir = await dirs.make()
    const clients = await registry(dir, Date.now)
    await clients.register('b', null)
    await clients.register('a', null)
    const first = clients.list()
    expect(first.map((c) => c.uid)).toEqual(['a', 'b'])
    expect(clients.list()).toBe(first) // a viewer joining costs no rebuild
    clients.connected('a')
    const after = clients.list()
    expect(after).not.toBe(first)
    expect(after.find((c) => c.uid === 'a')?.online).toBe(true)
  })
})
