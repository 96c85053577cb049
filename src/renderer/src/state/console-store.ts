import type { Alarm, AlarmFlood } from '../../../shared/alarm-types'
import type { StoredReport } from '../../../shared/ingest-protocol'
import type { SourceHealth } from '../../../shared/source-types'
import type {
  DeviceState,
  HostMetrics,
  LiveSnapshot,
  MissedNotice,
  PushClientState
} from '../../../shared/live-events'
import type { BridgeEvents, Hello, LinkState } from '../bridge/console-bridge'
import { compareAlarms } from './alarm-selectors'
import { compareNatural } from './natural-order'
import { ReportRing } from './report-ring'
import { SortedItems } from './sorted-items'

export const FEED_CAPACITY = 100_000
/** Host samples kept: ten minutes, as the console's snapshot holds. */
const METRICS_KEPT = 600

/** Everything the panels show, replaced (never mutated) when something changes. */
export interface ConsoleView {
  hello: Hello | null
  link: LinkState
  devices: DeviceState[]
  clients: PushClientState[]
  metrics: HostMetrics[]
  /** Every alarm not `normal`, in the alarms list's order (compareAlarms). */
  alarms: Alarm[]
  /** Whether the console is in an alarm flood; null until the first snapshot. */
  alarmFlood: AlarmFlood | null
  /** Every source's health, by id; null until the first snapshot. */
  sources: SourceHealth[] | null
  /** The newest reports; read through `feed.at()`. `feedVersion` changes with each batch. */
  feed: ReportRing
  feedVersion: number
  /** When the last live event of any kind arrived: the view's freshness. */
  lastEventAt: number | null
  /** The last time this view was told it missed reports, and how many. */
  missed: (MissedNotice & { at: number }) | null
}

/**
 * The UI's state, fed by a bridge. Changes are coalesced into at most one new view per
 * animation frame, so a burst of batches costs one render, however fast reports arrive.
 */
export class ConsoleStore {
  private view: ConsoleView
  // Listed as people count (`sim-2` before `sim-10`): every panel and picker of device ids and
  // push uids shows these lists. The API pages in code-unit order, its cursor's.
  private readonly devices = new SortedItems<DeviceState>((d) => d.id, compareNatural)
  private readonly clients = new SortedItems<PushClientState>((c) => c.uid, compareNatural)
  private readonly alarms = new Map<string, Alarm>()
  private readonly listeners = new Set<() => void>()
  private scheduled = false

  constructor(
    private readonly now: () => number = Date.now,
    private readonly schedule: (run: () => void) => void = defaultSchedule,
    feedCapacity = FEED_CAPACITY
  ) {
    this.view = {
      hello: null,
      link: { state: 'connecting' },
      devices: [],
      clients: [],
      metrics: [],
      alarms: [],
      alarmFlood: null,
      sources: null,
      feed: new ReportRing(feedCapacity),
      feedVersion: 0,
      lastEventAt: null,
      missed: null
    }
  }

  /** The handlers to give a bridge's connect(). */
  readonly events: BridgeEvents = {
    hello: (hello) => this.update({ hello }),
    link: (link) => this.update({ link }),
    snapshot: (snapshot) => this.applySnapshot(snapshot),
    reports: (reports) => this.addReports(reports),
    metrics: (samples) => this.addMetrics(samples),
    devices: (devices) => this.setDevices(devices, false),
    clients: (clients) => this.setClients(clients, false),
    alarms: (alarms) => this.setAlarms(alarms, false),
    alarmFlood: (alarmFlood) => this.update({ alarmFlood, lastEventAt: this.now() }),
    sources: (sources) => this.update({ sources, lastEventAt: this.now() }),
    missed: (notice) => this.update({ missed: { ...notice, at: this.now() } })
  }

  getView = (): ConsoleView => this.view

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * A snapshot replaces devices, clients, metrics, alarms, the flood and the sources. The feed keeps its history: the
   * snapshot's reports not already in it are added, so a reconnect shows what was missed at the
   * top without throwing away what was on screen.
   */
  private applySnapshot(snapshot: LiveSnapshot): void {
    this.setDevices(snapshot.devices, true)
    this.setClients(snapshot.clients, true)
    this.setAlarms(snapshot.alarms, true)
    const known = this.view.feed.recentIds(1000 + snapshot.reports.length)
    const fresh = snapshot.reports.filter((r) => r._id === undefined || !known.has(r._id))
    this.view.feed.push(fresh)
    this.update({
      metrics: snapshot.metrics.slice(-METRICS_KEPT),
      alarmFlood: snapshot.alarmFlood,
      sources: snapshot.sources,
      feedVersion: this.view.feedVersion + 1,
      lastEventAt: this.now()
    })
  }

  private addReports(reports: StoredReport[]): void {
    this.view.feed.push(reports)
    this.update({ feedVersion: this.view.feedVersion + 1, lastEventAt: this.now() })
  }

  private addMetrics(samples: HostMetrics[]): void {
    const metrics = [...this.view.metrics, ...samples]
    this.update({ metrics: metrics.slice(-METRICS_KEPT), lastEventAt: this.now() })
  }

  private setDevices(devices: DeviceState[], replace: boolean): void {
    this.update({
      devices: this.devices.apply(devices, replace),
      lastEventAt: this.now()
    })
  }

  private setClients(clients: PushClientState[], replace: boolean): void {
    this.update({
      clients: this.clients.apply(clients, replace),
      lastEventAt: this.now()
    })
  }

  /** Alarms by id: a changed one replaces its entry, one turned `normal` leaves the view. */
  private setAlarms(alarms: Alarm[], replace: boolean): void {
    if (replace) this.alarms.clear()
    for (const alarm of alarms)
      if (alarm.state === 'normal') this.alarms.delete(alarm.id)
      else this.alarms.set(alarm.id, alarm)
    this.update({
      alarms: [...this.alarms.values()].sort(compareAlarms),
      lastEventAt: this.now()
    })
  }

  private pending: Partial<ConsoleView> = {}

  private update(change: Partial<ConsoleView>): void {
    Object.assign(this.pending, change)
    if (this.scheduled) return
    this.scheduled = true
    this.schedule(() => {
      this.scheduled = false
      this.view = { ...this.view, ...this.pending }
      this.pending = {}
      for (const listener of this.listeners) listener()
    })
  }
}

function defaultSchedule(run: () => void): void {
  if (typeof requestAnimationFrame === 'function') {
    // A hidden tab gets no frames; a timer keeps the state current for when it is shown.
    let done = false
    const once = (): void => {
      if (done) return
      done = true
      run()
    }
    requestAnimationFrame(once)
    setTimeout(once, 250)
  } else setTimeout(run, 0)
}
