import {
  ALARM_SEVERITIES,
  ALARM_STATES,
  type DeviceMaintenance,
  type NotifyTargets
} from '../../../shared/alarm-types'
import type { DocumentCollection } from '../persistence/document-collection'
import type { PersistenceBackend } from '../persistence/persistence-backend'
import type { Filter } from '../persistence/query-filter'
import { LatestWrites } from './latest-writes'
import type { PersistedAlarm } from './persisted-alarm'

/**
 * The alarms that are not normal and the devices in maintenance, kept in collections (`alarms`,
 * `alarm-maintenance`; NeDB: `alarms.db`, `alarm-maintenance.db`) so a restart — or a kill -9 —
 * brings them back as they were. A normal alarm is removed: there are only as many documents as
 * alarms that need someone. Writes of one id are applied in call order (LatestWrites), and a
 * state saved is copied at once: the engine may go on changing its alarm.
 */
export class AlarmStateStore {
  private readonly alarmWrites: LatestWrites<PersistedAlarm | null>
  private readonly maintenanceWrites: LatestWrites<DeviceMaintenance>

  private constructor(
    private readonly alarms: DocumentCollection<PersistedAlarm>,
    private readonly maintenance: DocumentCollection<DeviceMaintenance>
  ) {
    this.alarmWrites = new LatestWrites(async (id, alarm) => {
      if (alarm === null) await alarms.remove({ id })
      else await upsert(alarms, 'id', alarm)
    })
    this.maintenanceWrites = new LatestWrites(async (device, m) => {
      if (m.until === null) await maintenance.remove({ device })
      else await upsert(maintenance, 'device', m)
    })
  }

  static async open(persistence: Pick<PersistenceBackend, 'collection'>): Promise<AlarmStateStore> {
    const alarms = await persistence.collection<PersistedAlarm>('alarms', { unique: 'id' })
    const maintenance = await persistence.collection<DeviceMaintenance>('alarm-maintenance', {
      unique: 'device'
    })
    return new AlarmStateStore(alarms, maintenance)
  }

  /** What was kept; documents that are not an alarm or a maintenance (a hand edit) are skipped. */
  async load(): Promise<{ alarms: PersistedAlarm[]; maintenance: DeviceMaintenance[] }> {
    const [alarms, maintenance] = await Promise.all([this.alarms.find(), this.maintenance.find()])
    return {
      alarms: alarms.map(alarmOf).filter((a): a is PersistedAlarm => a !== null),
      maintenance: maintenance.map(maintenanceOf).filter((m): m is DeviceMaintenance => m !== null)
    }
  }

  /** Stores the alarm's state (inserted or replaced); resolves once it is written. */
  save(alarm: PersistedAlarm): Promise<void> {
    return this.alarmWrites.set(alarm.id, copyOf(alarm))
  }

  /** Forgets an alarm (it is normal again); resolves once it is written. */
  remove(id: string): Promise<void> {
    return this.alarmWrites.set(id, null)
  }

  /** Stores a device's maintenance; one whose `until` is null (ended) is removed. */
  saveMaintenance(m: DeviceMaintenance): Promise<void> {
    return this.maintenanceWrites.set(m.device, {
      device: m.device,
      until: m.until,
      comment: m.comment,
      by: m.by
    })
  }

  /** Resolves once every write asked for so far is done. */
  async flush(): Promise<void> {
    await Promise.all([this.alarmWrites.flush(), this.maintenanceWrites.flush()])
  }
}

/**
 * Updated, or inserted when the update matched none: safe only because the writes of one key
 * never overlap (LatestWrites). The key itself is not in the update: it never changes.
 */
async function upsert<T extends object>(
  ds: DocumentCollection<T>,
  key: keyof T & string,
  doc: T
): Promise<void> {
  const { [key]: value, ...fields } = doc
  const filter = { [key]: value } as Filter<T>
  if ((await ds.update(filter, fields as Partial<T>)) === 0) await ds.insert(doc)
}

/** The fields kept, copied: the caller's object may change before the write reads it. */
function copyOf(a: PersistedAlarm): PersistedAlarm {
  return {
    id: a.id,
    rule: a.rule,
    name: a.name,
    device: a.device,
    severity: a.severity,
    state: a.state,
    value: a.value ?? null,
    currentValue: a.currentValue ?? null,
    raisedAt: a.raisedAt,
    clearedAt: a.clearedAt,
    ackedBy: a.ackedBy,
    ackedAt: a.ackedAt,
    comment: a.comment,
    shelvedUntil: a.shelvedUntil,
    maintenanceUntil: a.maintenanceUntil,
    firstOut: a.firstOut,
    silenced: a.silenced,
    updatedAt: a.updatedAt,
    active: a.active,
    acked: a.acked,
    notified: Array.isArray(a.notified) ? [...a.notified] : a.notified,
    escalated: a.escalated
  }
}

const isString = (v: unknown): v is string => typeof v === 'string'
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const timeOrNull = (v: unknown): number | null => (isTime(v) ? v : null)
const stringOrNull = (v: unknown): string | null => (isString(v) ? v : null)

function alarmOf(doc: PersistedAlarm): PersistedAlarm | null {
  const d = doc as unknown as Record<string, unknown>
  if (!isString(d.id) || !isString(d.rule) || !isString(d.device)) return null
  if (!(ALARM_STATES as readonly unknown[]).includes(d.state)) return null
  if (!(ALARM_SEVERITIES as readonly unknown[]).includes(d.severity)) return null
  return copyOf({
    ...doc,
    name: isString(d.name) ? d.name : d.rule,
    raisedAt: timeOrNull(d.raisedAt),
    clearedAt: timeOrNull(d.clearedAt),
    ackedBy: stringOrNull(d.ackedBy),
    ackedAt: timeOrNull(d.ackedAt),
    comment: stringOrNull(d.comment),
    shelvedUntil: timeOrNull(d.shelvedUntil),
    maintenanceUntil: timeOrNull(d.maintenanceUntil),
    firstOut: d.firstOut === true,
    silenced: d.silenced === true,
    updatedAt: isTime(d.updatedAt) ? d.updatedAt : 0,
    active: d.active === true,
    acked: d.acked === true,
    notified: notifiedOf(d.notified),
    escalated: d.escalated === true
  })
}

function notifiedOf(v: unknown): NotifyTargets | null {
  if (v === 'all') return 'all'
  return Array.isArray(v) && v.every(isString) ? v : null
}

function maintenanceOf(doc: DeviceMaintenance): DeviceMaintenance | null {
  const d = doc as unknown as Record<string, unknown>
  if (!isString(d.device) || !isTime(d.until)) return null
  return {
    device: d.device,
    until: d.until,
    comment: stringOrNull(d.comment),
    by: isString(d.by) ? d.by : 'operator'
  }
}
