/** Push clients in NeDB's `clients.db`, as earlier versions left it. */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { pushClientRegistries } from '../../../../support/push-clients'

const { dirs, open: registry } = pushClientRegistries({ retentionDays: 30 })
const DAY = 86_400_000

describe('PushClientRegistry retention', () => {
  it('deletes at start-up, and gives clients saved by an earlier version a retention time from the upgrade', async () => {
    const dir = await dirs.make()
    let now = 100 * DAY
    // An earlier version's clients.db: no lastSeen.
    await writeFile(
      join(dir, 'clients.db'),
      JSON.stringify({
        uid: 'old',
        name: null,
        token: 't'.repeat(32),
        registeredAt: 0,
        lastReceipt: null,
        _id: 'a'
      }) + '\n'
    )
    const first = await registry(dir, () => now)
    await first.register('newer', null)
    await first.close()
    expect(await readFile(join(dir, 'clients.db'), 'utf8')).toMatch(/"lastSeen":8640000000/)

    now += 29 * DAY
    expect((await registry(dir, () => now)).list().map((c) => c.uid)).toEqual(['newer', 'old'])
    now += 2 * DAY
    expect((await registry(dir, () => now)).list()).toEqual([])
  })
})
