import { join } from 'node:path'

import Datastore from 'nedb-promises'

import type { DeviceEvent } from '../../../shared/api-types'

const DAY_MS = 86_400_000

/**
 * Online/offline transitions of devices, kept in their own small NeDB datastore (they are few:
 * two per outage), trimmed to the retention time at start-up.
 */
export class DeviceEventLog {
  private readonly pending = new Set<Promise<unknown>>()

  private constructor(private readonly ds: Datastore<DeviceEvent>) {}

  static async open(dir: string, retentionDays: number, now: number): Promise<DeviceEventLog> {
    const ds = Datastore.create({
      filename: join(dir, 'device-events.db')
    }) as Datastore<DeviceEvent>
    await ds.load()
    await ds.remove({ time: { $lt: now - retentionDays * DAY_MS } }, { multi: true })
    return new DeviceEventLog(ds)
  }

  async append(event: DeviceEvent): Promise<void> {
    const write = this.ds.insert({ ...event })
    this.pending.add(write)
    try {
      await write
    } finally {
      this.pending.delete(write)
    }
  }

  /** Resolves once every event appended so far is written. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.pending])
  }

  /** The newest events of a device, newest first. */
  async recent(device: string, limit: number): Promise<DeviceEvent[]> {
    const events = await this.ds.find({ device }).sort({ time: -1 }).limit(limit)
    return events.map(({ device: d, online, time }) => ({ device: d, online, time }))
  }
}
