import { EventEmitter } from 'node:events'

import type { DeviceEvent, DeviceState } from '../../../shared/api-types'
import type { StoredReport } from '../../../shared/ingest-protocol'
import type { Logger } from '../logger'
import { DeviceTally } from '../store/device-tally'
import type { PartitionInfo } from '../store/partition-catalog'
import type { DeviceEventLog } from './device-event-log'
import { DeviceLiveness } from './device-liveness'

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
  now?: () => number
}

interface RegistryEvents {
  /** Devices whose state changed: new ones, transitions, counters (batched per tick). */
  changed: [devices: DeviceState[]]
}

/**
 * Every device with reports in the store — first and last receive time, how many reports are
 * kept — and whether it is online. Counts come from the store's catalog at start and from its
 * events after, so only durable reports count. Devices start offline and come online when they
 * report; transitions are logged and announced.
 */
export class DeviceRegistry extends EventEmitter<RegistryEvents> {
  private tally: DeviceTally
  private readonly liveness = new Map<string, DeviceLiveness>()
  private readonly dirty = new Set<string>()
  private readonly timer: NodeJS.Timeout
  private readonly now: () => number

  constructor(private readonly options: DeviceRegistryOptions) {
    super()
    const { source } = options
    this.now = options.now ?? Date.now
    this.tally = DeviceTally.from(source.deviceSummaries())
    source.on('stored', (reports) => this.onStored(reports))
    // After retention, counts could be subtracted, but a device's firstSeen can only be found
    // again from what is kept: recount from the store's catalog (no partition is read).
    source.on('dropped', () => {
      this.tally = DeviceTally.from(source.deviceSummaries())
      for (const d of this.tally.list()) this.dirty.add(d.id)
    })
    this.timer = setInterval(() => this.tick(), options.tickMs ?? 1000)
    this.timer.unref()
  }

  private onStored(reports: StoredReport[]): void {
    for (const report of reports) {
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
    this.options.logger.info({ device }, online ? 'device online' : 'device offline')
    this.dirty.add(device)
  }

  /** Checks liveness and announces every device that changed since the last tick. */
  tick(): void {
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

  list(): DeviceState[] {
    const now = this.now()
    return this.tally
      .list()
      .map((d) => this.withLiveness(d, now))
      .sort((a, b) => a.id.localeCompare(b.id))
  }

  get(id: string): DeviceState | undefined {
    const d = this.tally.get(id)
    return d === undefined ? undefined : this.withLiveness({ ...d }, this.now())
  }

  private withLiveness(d: ReturnType<DeviceTally['list']>[number], now: number): DeviceState {
    const l = this.liveness.get(d.id)
    return { ...d, online: l?.online ?? false, reportsPerMinute: l?.reportsPerMinute(now) ?? 0 }
  }

  recentEvents(device: string, limit: number): Promise<DeviceEvent[]> {
    return this.options.events.recent(device, limit)
  }

  stop(): void {
    clearInterval(this.timer)
  }
}
