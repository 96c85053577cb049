import type { DeviceEvent } from '../../../shared/api-types'
import type { PersistenceBackend } from '../persistence/persistence-backend'
import { RetainedDayLog } from '../persistence/retained-day-log'

/** The most events `recent()` answers per device (the API's limit). */
export const RECENT_EVENTS = 1000

/**
 * Online/offline transitions of devices: appended to a day log (`device-events`; NeDB backend:
 * one NDJSON file per UTC day, `device-events/2026-12-01.ndjson`), deleted a whole day at a time
 * past the retention time, so no number of events makes start-up or retention cost more than a
 * listing. The only question asked of them — a device's newest events — is answered from
 * memory: per device the newest RECENT_EVENTS times, rebuilt at start by reading the log once.
 * A day log, not a document collection: events are never updated or queried, and a million of
 * them must not cost an index (or an NeDB load) in memory.
 */
export class DeviceEventLog {
  /**
   * Per device, its kept events oldest first, each a time whose sign says online (+) or
   * offline (−): 8 bytes an event in a packed array, where an object would take ten times that.
   */
  private readonly byDevice = new Map<string, number[]>()

  private constructor(private readonly out: RetainedDayLog<DeviceEvent>) {}

  /**
   * Opens the log `device-events` (the backend carries over an earlier version's layout once),
   * and deletes the days past retention. `now` is the clock (a fixed time in tests).
   */
  static async open(
    persistence: Pick<PersistenceBackend, 'dayLog'>,
    retentionDays: number,
    now: number | (() => number)
  ): Promise<DeviceEventLog> {
    // Pruning at open runs before the log exists: nothing is held yet to forget.
    let log: DeviceEventLog | undefined = undefined
    const out = await RetainedDayLog.open<DeviceEvent>(persistence, 'device-events', {
      time: 'time',
      decode: (doc) => (isEvent(doc) ? eventOf(doc) : null),
      retentionDays,
      now,
      pruned: (cutoff) => log?.forgetBefore(cutoff)
    })
    log = new DeviceEventLog(out)
    try {
      for await (const event of out.log.read()) log.keep(event)
    } catch (error) {
      await out.close()
      throw error
    }
    return log
  }

  private cutoff(): number {
    return this.out.cutoff()
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
    await this.out.log.append(eventOf(event))
  }

  /** Deletes the days past retention and forgets their events (hourly, and at start). */
  prune(): Promise<void> {
    return this.out.prune()
  }

  /** Forgets the events of the days just deleted. */
  private forgetBefore(cutoff: number): void {
    for (const [device, times] of this.byDevice) {
      const first = times.findIndex((t) => Math.abs(t) >= cutoff)
      if (first === -1) this.byDevice.delete(device)
      else if (first > 0) times.splice(0, first)
    }
  }

  /** Resolves once every event appended so far is written. */
  close(): Promise<void> {
    return this.out.close()
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
