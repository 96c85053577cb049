import { readdir } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { silentLogger } from '../../../../../src/main/core/runtime/logger'
import { timeOfMessageId } from '../../../../../src/main/core/push/message-ids'
import { MessageService } from '../../../../../src/main/core/push/message-service'
import { PushClientRegistry } from '../../../../../src/main/core/push/push-client-registry'
import { nedbBackend } from '../../../../support/store'
import { tempDirs } from '../../../../support/temp-dir'

const dirs = tempDirs()
const open: Array<{ close(): unknown }> = []
afterEach(async () => {
  for (const o of open.splice(0)) await o.close()
  await dirs.cleanup()
})

const DAY = 86_400_000
const HOUR = 3_600_000
/** 2026-12-01T00:00:00Z */
const DEC_1 = Date.UTC(2026, 11, 1)

async function service(dir: string, now: () => number): Promise<MessageService> {
  const persistence = nedbBackend(dir)
  const clients = await PushClientRegistry.open(persistence, now)
  open.push(clients)
  const messages = await MessageService.open({
    persistence,
    clients,
    connections: { deliver: async () => true },
    logger: silentLogger(),
    ttlMs: DAY,
    retentionDays: 3,
    sweepMs: 60_000,
    now
  })
  open.push(messages)
  return messages
}

describe('MessageService storage', () => {
  it('keeps one file per UTC day, deletes whole days past retention, and finds an old message by its id', async () => {
    const dir = await dirs.make()
    let now = DEC_1 + HOUR
    const messages = await service(dir, () => now)
    const ids: string[] = []
    for (let d = 0; d < 5; d++) {
      now = DEC_1 + d * DAY + HOUR
      const { id } = await messages.send(undefined, { day: d })
      expect(timeOfMessageId(id)).toBe(now)
      ids.push(id)
    }
    const partitions = join(dir, 'messages')
    expect(await readdir(partitions)).toEqual([
      '2026-12-01.db',
      '2026-12-02.db',
      '2026-12-03.db',
      '2026-12-04.db',
      '2026-12-05.db'
    ])
    await messages.close()

    // Restarted on Dec 6, 12:00: three days of retention reach back to Dec 3, 12:00.
    now = DEC_1 + 5 * DAY + 12 * HOUR
    const restarted = await service(dir, () => now)
    expect(await readdir(partitions)).toEqual(['2026-12-03.db', '2026-12-04.db', '2026-12-05.db'])
    expect(await restarted.status(ids[0]!)).toBeUndefined()
    // Dec 3 is no longer loaded (older than the TTL): read from its file.
    expect(await restarted.status(ids[2]!)).toEqual({
      id: ids[2],
      broadcast: true,
      time: DEC_1 + 2 * DAY + HOUR,
      expiresAt: DEC_1 + 3 * DAY + HOUR,
      recipients: []
    })
    expect(await restarted.status('not-a-message-id')).toBeUndefined()
  })
})
