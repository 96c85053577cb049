import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'

import type { DeviceEvent } from '../../../shared/api-types'
import { DayAppender } from '../persistence/day-appender'
import { DAY_MS, deleteDaysBefore, listDayFiles } from '../persistence/day-files'
import { migrateToDays } from '../persistence/day-migration'
import { scanNedbFile } from '../persistence/nedb/nedb-lines'

/** The most events `recent()` answers per device (the API's limit). */
export const RECENT_EVENTS = 1000
const EXT = '.ndjson'
const PRUNE_EVERY_MS = 3_600_000

/**
 * Online/offline transitions of devices: appended to one NDJSON file per UTC day
 * (`device-events/2026-12-01.ndjson`), deleted a whole day at a time past the retention time, so
 * no number of events makes start-up or retention cost more than a file listing. The only
 * question asked of them — a device's newest events — is answered from memory: per device the
 * newest RECENT_EVENTS times, rebuilt at start by streaming the day files once.
 */
export class DeviceEventLog {
  /**
   * Per device, its kept events oldest first, each a time whose sign says online (+) or
   * offline (−): 8 bytes an event in a packed array, where an object would take ten times that.
   */
  private readonly byDevice = new Map<string, number[]>()
  private readonly timer: NodeJS.Timeout
  private readonly clock: () => number

  private constructor(
    private readonly dir: string,
    private readonly retentionDays: number,
    private readonly out: DayAppender,
    now: number | (() => number)
  ) {
    this.clock = typeof now === 'number' ? () => now : now
    this.timer = setInterval(() => void this.prune().catch(() => undefined), PRUNE_EVERY_MS)
    this.timer.unref()
  }

  /**
   * Opens the log in `<dataDir>/device-events/`, carrying over a `device-events.db` of an
   * earlier version once, and deletes the days past retention. `now` is the clock (a fixed time
   * in tests).
   */
  static async open(
    dataDir: string,
    retentionDays: number,
    now: number | (() => number)
  ): Promise<DeviceEventLog> {
    const dir = join(dataDir, 'device-events')
    const log = new DeviceEventLog(dir, retentionDays, new DayAppender(dir, EXT), now)
    try {
      await migrateToDays({
        legacy: join(dataDir, 'device-events.db'),
        dir,
        ext: EXT,
        cutoff: log.cutoff(),
        convert: ({ doc }) =>
          isEvent(doc) ? { time: doc.time, line: JSON.stringify(eventOf(doc)) } : null
      })
      await mkdir(dir, { recursive: true })
      await deleteDaysBefore(dir, EXT, log.cutoff())
      for (const name of await listDayFiles(dir, EXT)) {
        for await (const { doc } of scanNedbFile(join(dir, name))) if (isEvent(doc)) log.keep(doc)
      }
    } catch (error) {
      clearInterval(log.timer)
      throw error
    }
    return log
  }

  private cutoff(): number {
    return this.clock() - this.retentionDays * DAY_MS
  }

  private keep(event: DeviceEvent): void {
    if (event.time < this.cutoff()) return
    let times = this.byDevice.get(event.device)
    if (times === undefined) this.byDevice.set(event.device, (times = []))
    times.push(event.online ? event.time : -event.time)
    // Trimmed in steps, not per event: an append stays O(1) on average.
    if (times.length >= 2 * RECENT_EVENTS) times.splice(0, times.length - RECENT_EVENTS)
  }

  async append(event: DeviceEvent): Promise<void> {
    this.keep(event)
    await this.out.append(event.time, JSON.stringify(eventOf(event)))
  }

  /** Deletes the days past retention and forgets their events (hourly, and at start). */
  async prune(): Promise<void> {
    const cutoff = this.cutoff()
    await deleteDaysBefore(this.dir, EXT, cutoff)
    for (const [device, times] of this.byDevice) {
      const first = times.findIndex((t) => Math.abs(t) >= cutoff)
      if (first === -1) this.byDevice.delete(device)
      else if (first > 0) times.splice(0, first)
    }
  }

  /** Resolves once every event appended so far is written. */
  async close(): Promise<void> {
    clearInterval(this.timer)
    await this.out.flush().catch(() => undefined)
  }

  /** The newest events of a device, newest first, at most RECENT_EVENTS. */
  async recent(device: string, limit: number): Promise<DeviceEvent[]> {
    const cutoff = this.cutoff()
    const times = this.byDevice.get(device) ?? []
    return times
      .filter((t) => Math.abs(t) >= cutoff)
      .sort((a, b) => Math.abs(b) - Math.abs(a))
      .slice(0, Math.min(limit, RECENT_EVENTS))
      .map((t) => ({ device, online: t > 0, time: Math.abs(t) }))
  }
}

function eventOf({ device, online, time }: DeviceEvent): DeviceEvent {
  return { device, online, time }
}

function isEvent(doc: unknown): doc is DeviceEvent {
  const d = doc as Partial<DeviceEvent>
  return (
    typeof d.device === 'string' &&
    typeof d.online === 'boolean' &&
    typeof d.time === 'number' &&
    Number.isFinite(d.time) &&
    d.time > 0
  )
}
