/** Device events in NDJSON day files, and the NeDB file of an earlier version. */
import { appendFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { DeviceEventLog } from '../../../../../src/main/core/devices/device-event-log'
import { repairTornTails } from '../../../../../src/main/core/persistence/nedb/torn-tail'
import { nedbBackend } from '../../../../support/store'
import { tempDirs } from '../../../../support/temp-dir'

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

const DAY = 86_400_000
/** 2026-12-01T00:00:00Z */
const DEC_1 = Date.UTC(2026, 11, 1)

describe('DeviceEventLog', () => {
  it('keeps one file per UTC day and deletes whole days past retention, at start and while running', async () => {
    const dataDir = await dirs.make()
    let now = DEC_1 + 12 * 3_600_000
    const log = await DeviceEventLog.open(nedbBackend(dataDir), 3, () => now)
    for (let d = 0; d < 5; d++) {
      await log.append({ device: 'pump', online: true, time: DEC_1 + d * DAY + 1000 })
      await log.append({ device: 'pump', online: false, time: DEC_1 + d * DAY + 2000 })
    }
    const dir = join(dataDir, 'device-events')
    expect(await readdir(dir)).toEqual([
      '2026-12-01.ndjson',
      '2026-12-02.ndjson',
      '2026-12-03.ndjson',
      '2026-12-04.ndjson',
      '2026-12-05.ndjson'
    ])
    // On Dec 6, 12:00, three days of retention reach back to Dec 3, 12:00: Dec 1 and 2 go.
    now = DEC_1 + 5 * DAY + 12 * 3_600_000
    await log.prune()
    expect(await readdir(dir)).toEqual([
      '2026-12-03.ndjson',
      '2026-12-04.ndjson',
      '2026-12-05.ndjson'
    ])
    const recent = await log.recent('pump', 1000)
    expect(recent.map((e) => e.time)).toEqual(
      [4, 3].flatMap((d) => [DEC_1 + d * DAY + 2000, DEC_1 + d * DAY + 1000])
    )
    await log.close()

    // A day later, at start: Dec 3 goes too.
    now += DAY
    const reopened = await DeviceEventLog.open(nedbBackend(dataDir), 3, () => now)
    expect(await readdir(dir)).toEqual(['2026-12-04.ndjson', '2026-12-05.ndjson'])
    expect(await reopened.recent('pump', 1000)).toEqual([
      { device: 'pump', online: false, time: DEC_1 + 4 * DAY + 2000 },
      { device: 'pump', online: true, time: DEC_1 + 4 * DAY + 1000 }
    ])
    await reopened.close()
  })

  it('carries over the device-events.db of an earlier version once, leaving out what is past retention', async () => {
    const dataDir = await dirs.make()
    const now = DEC_1 + 10 * DAY
    const lines = [
      { device: 'a', online: true, time: now - 40 * DAY, _id: '1' },
      { device: 'a', online: false, time: now - 2 * DAY, _id: '2' },
      { $$deleted: true, _id: '0' },
      { device: 'a', online: true, time: now - DAY, _id: '3' }
    ]
    await writeFile(
      join(dataDir, 'device-events.db'),
      lines.map((l) => JSON.stringify(l)).join('\n') + '\n{"device":"a","onl'
    )
    const log = await DeviceEventLog.open(nedbBackend(dataDir), 30, now)
    expect(await log.recent('a', 10)).toEqual([
      { device: 'a', online: true, time: now - DAY },
      { device: 'a', online: false, time: now - 2 * DAY }
    ])
    expect(await readdir(dataDir)).not.toContain('device-events.db')
    await log.close()
    const again = await DeviceEventLog.open(nedbBackend(dataDir), 30, now)
    expect(await again.recent('a', 10)).toHaveLength(2)
    await again.close()
  })

  it('loses no event to a torn last line: the start-up repair covers its files', async () => {
    const dataDir = await dirs.make()
    const dir = join(dataDir, 'device-events')
    await mkdir(dir)
    const file = join(dir, '2026-12-01.ndjson')
    await writeFile(file, '{"device":"a","online":true,"time":' + (DEC_1 + 1) + '}\n')
    const torn = '{"device":"a","online":fa'
    await appendFile(file, torn)
    expect(await repairTornTails([dir])).toEqual([{ file, bytes: torn.length }])
    const log = await DeviceEventLog.open(nedbBackend(dataDir), 30, DEC_1 + 10)
    await log.append({ device: 'a', online: false, time: DEC_1 + 2 })
    await log.close()
    expect((await readFile(file, 'utf8')).split('\n')).toHaveLength(3)
    const reopened = await DeviceEventLog.open(nedbBackend(dataDir), 30, DEC_1 + 10)
    expect((await reopened.recent('a', 10)).map((e) => e.online)).toEqual([false, true])
    await reopened.close()
  })
})
