import type {
  Alarm,
  AlarmActionVia,
  AlarmEvent,
  AlarmFlood,
  DeviceMaintenance,
  NotifyTargets
} from '../../../shared/alarm-types'
import type { AlarmRecord } from './alarm-record'

/** Who acts on an alarm, as the audit trail records it. */
export interface ActionActor {
  by: string
  via: AlarmActionVia
}

/** The engine's own transitions. */
export const SYSTEM_ACTOR: ActionActor = { by: 'system', via: 'system' }

/** Someone is to be told of an alarm (the notifier sends it; the engine only decides). */
export interface AlarmNotification {
  kind: 'raised' | 'escalated' | 'cleared'
  alarm: Alarm
  targets: NotifyTargets
}

/** What one call of the engine changed. */
export interface EngineOutput {
  /**
   * The alarms whose state or stored fields changed, once each, as they are after the call; one
   * that became `normal` comes once more so viewers drop it (and the store removes it).
   */
  changed: Alarm[]
  /** For the audit trail, in the order they happened. */
  events: AlarmEvent[]
  notifications: AlarmNotification[]
  /** The flood as it is now, when it began or ended in this call; else null. */
  flood: AlarmFlood | null
  /**
   * Each device maintenance that started, changed or ended in this call, once, as it is after
   * it (ended: `until: null`), for the store to save or remove.
   */
  maintenance: DeviceMaintenance[]
}

/** Gathers one call's output; the alarms are copied at the end, as they are then. */
export class OutputCollector {
  private readonly touched = new Map<string, AlarmRecord>()
  readonly events: AlarmEvent[] = []
  readonly notifications: AlarmNotification[] = []
  flood: AlarmFlood | null = null
  private readonly maintenance = new Map<string, DeviceMaintenance>()

  touch(record: AlarmRecord): void {
    this.touched.set(record.id, record)
  }

  maintained(entry: DeviceMaintenance): void {
    this.maintenance.set(entry.device, { ...entry })
  }

  finish(copy: (record: AlarmRecord) => Alarm): EngineOutput {
    const changed: Alarm[] = []
    for (const record of this.touched.values()) {
      record.valueMoved = false
      changed.push(copy(record))
    }
    return {
      changed,
      events: this.events,
      notifications: this.notifications,
      flood: this.flood,
      maintenance: [...this.maintenance.values()]
    }
  }
}
