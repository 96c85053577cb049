import { EventEmitter } from 'node:events'

import type { DeviceEvent, DevicePage, DeviceState } from '../../../shared/api-types'
import type { StoredReport } from '../../../shared/ingest-protocol'
import { RateLimitedLog } from '../runtime/log-rate-limit'
import type { Logger } from '../runtime/logger'
import { DeviceTally } from '../persistence/device-tally'
import type { PartitionInfo } from '../persistence/report-partitions'
import type { DeviceEventLog } from './device-event-log'
import { DeviceLiveness } from './device-liveness'
import { SortedIds } from './sorted-ids'

/** The source of device facts: what the store has kept, and what it keeps and drops from now on. */
export interface DeviceSource {
  deviceSummaries(): ReturnType<DeviceTally['list']>
  on(event: 'stored', listener: (reports: StoredReport[]) => void): unknown
  on(event: 'dropped', listener: (partitions: PartitionInfo[]) => void): unknown
}

export interface DeviceRegistryOptions {
  source: DeviceSource
  events: DeviceEventLog
  logger: Logger
  /** A fixed time without reports after which a device is offline; default: from its interval. */
  offlineAfterMs?: number
  /** The least time without reports before a device counts as offline. */
  minOfflineAfterMs?: number
  /** How often liveness is checked and changed devices are announced. */
  tickMs?: number
  /** Most devices known at once: a report of a new device beyond it is refused (admit()). */
  maxDevices?: number
  now?: () => number
}

interface RegistryEvents {
  /** Devices whose state changed: new ones, transitions, counters (batched per tick). */
  changed: [devices: DeviceState[]]
  /** Devices retention left nothing of: forgotten, as if they never reported (the alarms let go of them too). */
  forgotten: [devices: string[]]
}

/**
 * Every device with reports in the store — first and last receive time, how many reports are
 * kept — and whether it is online. Counts come from the store's catalog at start and from its
 * events after, so only durable reports count. Devices start offline and come online when they
 * report; transitions are logged and announced.
 */
export class DeviceRegistry extends EventEmitter<RegistryEvents> {
  private tally: DeviceTally
  private readonly order = new SortedIds()
  private readonly liveness = new Map<string, DeviceLiveness>()
  /** New devices let in by admit() whose first report is not stored yet, and since when. */
  private readonly admitted = new Map<string, number>()
  private readonly dirty = new Set<string>()
  private readonly timer: NodeJS.Timeout
  private readonly now: () => number
  private readonly transitions: RateLimitedLog
  readonly maxDevices: number
  private listed: DeviceState[] | null = null

  constructor(private readonly options: DeviceRegistryOptions) {
    super()
    const { source } = options
    this.now = options.now ?? Date.now
    this.maxDevices = options.maxDevices ?? Infinity
    // Thousands of devices going offline at once (a power cut, a flood of one-off ids) must not
    // become thousands of log lines: the first few, then one count per interval.
    this.transitions = new RateLimitedLog({
      logger: options.logger,
      burst: 5,
      intervalMs: 10_000,
      summary: (count, seconds, key) =>
        `${count} more devices went ${key} in the last ${seconds} s`,
      now: this.now
    })
    this.tally = DeviceTally.from(source.deviceSummaries())
    this.order.reset(this.tally.ids())
    source.on('stored', (reports) => this.onStored(reports))
    // After retention, counts could be subtracted, but a device's firstSeen can only be found
    // again from what is kept: recount from the store's catalog (no partition is read). A device
    // with nothing kept is forgotten, and frees its place under maxDevices.
    source.on('dropped', () => {
      const before = this.tally
      this.tally = DeviceTally.from(source.deviceSummaries())
      this.order.reset(this.tally.ids())
      this.listed = null
      for (const id of this.liveness.keys()) if (!this.tally.has(id)) this.liveness.delete(id)
      for (const id of this.tally.ids()) this.dirty.add(id)
      const forgotten = [...before.ids()].filter((id) => !this.tally.has(id))
      if (forgotten.length > 0) this.emit('forgotten', forgotten)
    })
    this.timer = setInterval(() => this.tick(), options.tickMs ?? 1000)
    this.timer.unref()
  }

  /**
   * Whether a report of `device` may be stored: always for a known device, for a new one while
   * fewer than maxDevices are known (counting new ones already let in, whose reports are still
   * on their way to the store).
   */
  admit(device: string): boolean {
    if (this.tally.has(device) || this.admitted.has(device)) return true
    if (this.tally.size + this.admitted.size >= this.maxDevices) {
      // A report let in but never stored (the store failed it) must not hold a place forever.
      const stale = this.now() - 60_000
      for (const [id, since] of this.admitted) if (since < stale) this.admitted.delete(id)
      if (this.tally.size + this.admitted.size >= this.maxDevices) return false
    }
    if (this.maxDevices !== Infinity) this.admitted.set(device, this.now())
    return true
  }

  /** Devices known now. */
  get size(): number {
    return this.tally.size
  }

  private onStored(reports: StoredReport[]): void {
    for (const report of reports) {
      if (!this.tally.has(report.device)) {
        this.listed = null
        this.order.add(report.device)
        this.admitted.delete(report.device)
      }
      this.tally.add(report)
      this.dirty.add(report.device)
      if (this.livenessOf(report.device).seen(report.time))
        this.transition(report.device, true, report.time)
    }
  }

  private livenessOf(id: string): DeviceLiveness {
    let l = this.liveness.get(id)
    if (l === undefined) {
      l = new DeviceLiveness(this.options.minOfflineAfterMs ?? 10_000, this.options.offlineAfterMs)
      this.liveness.set(id, l)
    }
    return l
  }

  private transition(device: string, online: boolean, time: number): void {
    const event: DeviceEvent = { device, online, time }
    this.options.events
      .append(event)
      .catch((error) =>
        this.options.logger.warn({ err: error, device }, 'could not log a device event')
      )
    const state = online ? 'online' : 'offline'
    this.transitions.log(state, { device }, `device ${state}`)
    this.dirty.add(device)
  }

  /** Checks liveness and announces every device that changed since the last tick. */
  tick(): void {
    this.listed = null
    const now = this.now()
    for (const [id, l] of this.liveness) if (l.check(now)) this.transition(id, false, now)
    if (this.dirty.size === 0) return
    const changed: DeviceState[] = []
    for (const id of this.dirty) {
      const state = this.get(id)
      if (state !== undefined) changed.push(state)
    }
    this.dirty.clear()
    if (changed.length > 0) this.emit('changed', changed)
  }

  /**
   * Every device, in id order (UTF-16 code units). Built at most once per tick (and when a
   * device comes or goes): viewers that connect together, or one that reconnects over and over,
   * share one list. Its counts may be up to a tick old — the next `changed` brings them. Shared:
   * read it, never change it.
   */
  list(): DeviceState[] {
    this.listed ??= this.statesOf(this.order.all())
    return this.listed
  }

  /** Up to `limit` devices in id order, from the first after `after`; `next` is the cursor. */
  page(limit: number, after?: string): DevicePage {
    const ids = this.order.all()
    const start = after === undefined ? 0 : this.order.indexAfter(after)
    const slice = ids.slice(start, start + limit)
    const end = start + slice.length
    return {
      devices: this.statesOf(slice),
      total: ids.length,
      next: end < ids.length && slice.length > 0 ? slice[slice.length - 1]! : null
    }
  }

  private statesOf(ids: readonly string[]): DeviceState[] {
    const now = this.now()
    const states: DeviceState[] = []
    for (const id of ids) {
      const d = this.tally.get(id)
      if (d !== undefined) states.push(this.withLiveness(d, now))
    }
    return states
  }

  get(id: string): DeviceState | undefined {
    const d = this.tally.get(id)
    return d === undefined ? undefined : this.withLiveness({ ...d }, this.now())
  }

  private withLiveness(d: ReturnType<DeviceTally['list']>[number], now: number): DeviceState {
    const l = this.liveness.get(d.id)
    // Field by field rather than spread: several times faster, and the list of 10,000 devices
    // a new viewer gets is built from this.
    return {
      id: d.id,
      identity: d.identity,
      firstSeen: d.firstSeen,
      lastSeen: d.lastSeen,
      reports: d.reports,
      online: l?.online ?? false,
      reportsPerMinute: l?.reportsPerMinute(now) ?? 0
    }
  }

  recentEvents(device: string, limit: number): Promise<DeviceEvent[]> {
    return this.options.events.recent(device, limit)
  }

  stop(): void {
    clearInterval(this.timer)
    this.transitions.stop()
  }
}
