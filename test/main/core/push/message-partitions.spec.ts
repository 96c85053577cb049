import { afterEach, describe, expect, it } from 'vitest'

import { messageId } from '../../../../src/main/core/push/message-ids'
import {
  MessagePartitions,
  type MessageRecord
} from '../../../../src/main/core/push/message-partitions'
import { nedbBackend } from '../../../support/store'
import { tempDirs } from '../../../support/temp-dir'

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

const DAY = 86_400_000
/** 2026-12-01T00:00:00Z */
const DEC_1 = Date.UTC(2026, 11, 1)

function message(time: number, state: 'queued' | 'delivered'): MessageRecord {
  return {
    id: messageId(time),
    data: { time },
    broadcast: false,
    time,
    expiresAt: time + DAY,
    recipients: [{ uid: 'phone', state, sentAt: null, deliveredAt: null, receipt: null }]
  }
}

describe('MessagePartitions', () => {
  it('finds the newest state of a message in a day it let go of, and loads the day again for a write', async () => {
    const dataDir = await dirs.make()
    let now = DEC_1 + 1000
    const options = { retentionDays: 30, ttlMs: DAY, now: () => now }
    const { partitions } = await MessagePartitions.open(nedbBackend(dataDir), options)
    const record = message(now, 'queued')
    await partitions.insert(record)
    record.recipients[0]!.state = 'delivered'
    await partitions.setRecipients(record)

    now += 3 * DAY
    await partitions.release(now)
    expect(await partitions.find(record.id)).toEqual(record)

    record.recipients[0]!.receipt = { status: 'read', time: now }
    await partitions.setRecipients(record)
    await partitions.release(now)
    expect((await partitions.find(record.id))?.recipients[0]?.receipt).toEqual({
      status: 'read',
      time: now
    })
    // An id whose time names a day without messages, and ids that are no UUID.
    expect(await partitions.find(messageId(DEC_1 + DAY))).toBeUndefined()
    expect(await partitions.find('../../etc/passwd')).toBeUndefined()
    await partitions.close()
  })

  it('loads at start only the days that can hold live messages', async () => {
    const dataDir = await dirs.make()
    let now = DEC_1 + 1000
    const options = { retentionDays: 30, ttlMs: DAY, now: () => now }
    const first = await MessagePartitions.open(nedbBackend(dataDir), options)
    const old = message(now, 'queued')
    await first.partitions.insert(old)
    now += 2 * DAY
    const young = message(now - 1000, 'queued')
    await first.partitions.insert(young)
    await first.partitions.close()

    const second = await MessagePartitions.open(nedbBackend(dataDir), options)
    expect(second.live).toEqual([young])
    expect(await second.partitions.find(old.id)).toEqual(old)
    await second.partitions.close()
  })
})
