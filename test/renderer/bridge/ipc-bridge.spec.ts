import { describe, expect, it } from 'vitest'

import type { BridgeEvents } from '../../../src/renderer/src/bridge/console-bridge'
import { IpcBridge } from '../../../src/renderer/src/bridge/ipc-bridge'
import {
  IPC_EVENTS,
  type ConsoleIpcApi,
  type ConsoleStatus,
  type IpcEventListener,
  type IpcEventName
} from '../../../src/shared/ipc-contract'
import type { LiveSnapshot } from '../../../src/shared/live-events'
import { NO_FLOOD } from '../support/alarm-fixtures'

const unused = async (): Promise<never> => {
  throw new Error('not used by the bridge')
}

/**
 * A typed stand-in for the preload's `window.api`: the bridge's side of the contract only (the
 * real preload and handlers are driven end to end in test/e2e/desktop-ipc.spec.ts).
 */
function fakeApi(initial: ConsoleStatus) {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const answers: Array<(snapshot: LiveSnapshot) => void> = []
  let opens = 0
  const api: ConsoleIpcApi = {
    getStatus: async () => initial,
    openLive: () => {
      opens++
      return new Promise((resolve) => answers.push(resolve))
    },
    queryReports: async () => [],
    series: unused,
    exportReports: unused,
    cancelExport: unused,
    exportAlarmEvents: unused,
    onExportProgress: () => () => undefined,
    sendMessage: async () => ({ id: 'm', recipients: [] }),
    messageStatus: unused,
    copyViewUrl: async () => undefined,
    copyText: async () => undefined,
    deviceTokens: unused,
    createDeviceToken: unused,
    revokeDeviceToken: unused,
    setDeviceTokensRequired: unused,
    alarms: unused,
    ackAlarm: unused,
    shelveAlarm: unused,
    unshelveAlarm: unused,
    silenceAlarm: unused,
    setDeviceMaintenance: unused,
    alarmRules: unused,
    createAlarmRule: unused,
    updateAlarmRule: unused,
    deleteAlarmRule: unused,
    previewAlarmRule: unused,
    alarmEvents: unused,
    alarmStats: unused,
    sources: unused,
    createSource: unused,
    updateSource: unused,
    deleteSource: unused,
    on<E extends IpcEventName>(event: E, listener: IpcEventListener<E>) {
      if (!listeners.has(event)) listeners.set(event, new Set())
      listeners.get(event)!.add(listener as (payload: unknown) => void)
      return () => listeners.get(event)!.delete(listener as (payload: unknown) => void)
    }
  }
  return {
    api,
    emit: (event: IpcEventName, payload: unknown) =>
      listeners.get(event)?.forEach((l) => l(payload)),
    /** Answers the newest openLive, or the `index`-th one. */
    answerOpen: (snapshot: LiveSnapshot, index = answers.length - 1) => answers[index]!(snapshot),
    opens: () => opens,
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0)
  }
}

function recorder(): { events: BridgeEvents; log: string[] } {
  const log: string[] = []
  const record =
    (name: string) =>
    (payload: unknown): void => {
      log.push(
        name === 'link'
          ? `link:${(payload as { state: string }).state}`
          : name === 'reports'
            ? `reports:${(payload as Array<{ seq: number }>).map((r) => r.seq).join(',')}`
            : name
      )
    }
  const events = Object.fromEntries(
    [
      'hello',
      'snapshot',
      'reports',
      'metrics',
      'devices',
      'clients',
      'alarms',
      'alarmFlood',
      'sources',
      'missed',
      'link'
    ].map((n) => [n, record(n)])
  ) as unknown as BridgeEvents
  return { events, log }
}

const running: ConsoleStatus = {
  state: 'running',
  dataDir: '/d',
  info: {
    version: '0.1.0',
    ingest: [{ protocol: 'tcp', host: '127.0.0.1', port: 9800 }],
    web: { host: '127.0.0.1', port: 9801 },
    viewUrl: 'http://127.0.0.1:9801/?key=v'
  }
}
const empty: LiveSnapshot = {
  devices: [],
  clients: [],
  reports: [],
  metrics: [],
  alarms: [],
  alarmFlood: NO_FLOOD,
  sources: []
}
const settle = () => new Promise((r) => setTimeout(r, 0))
const reports = (...seqs: number[]) =>
  seqs.map((seq) => ({ device: 'd', seq, time: seq, identity: 'anonymous' }))

/** A bridge connected to a running console, its feed open (the snapshot answered). */
async function liveBridge() {
  const fake = fakeApi(running)
  const { events, log } = recorder()
  new IpcBridge(fake.api).connect(events)
  await settle()
  fake.answerOpen(empty)
  await settle()
  return { fake, log }
}

describe('IpcBridge', () => {
  it('waits for the console to start, then hands on the snapshot before any live event', async () => {
    const fake = fakeApi({ state: 'starting' })
    const { events, log } = recorder()
    new IpcBridge(fake.api).connect(events)
    await settle()
    expect(log).toEqual(['link:connecting', 'link:connecting'])
    fake.emit('status', running)
    fake.emit('reports', reports(1)) // sent before the window's feed opened: in the snapshot
    fake.answerOpen(empty)
    await settle()
    fake.emit('reports', reports(2))
    expect(log.slice(2)).toEqual(['hello', 'snapshot', 'link:live', 'reports:2'])
    expect(fake.opens()).toBe(1)
  })

  it('opens the feed once, though the status arrives both asked and pushed', async () => {
    const fake = fakeApi(running)
    new IpcBridge(fake.api).connect(recorder().events)
    await settle()
    fake.emit('status', running)
    await settle()
    expect(fake.opens()).toBe(1)
  })

  it('passes an overload notice on and keeps the batch that follows it (found in review)', async () => {
    const { fake, log } = await liveBridge()
    // The broadcaster sends `missed` (the oldest of a burst left out), then the burst's newest.
    fake.emit('missed', { reports: 40, reason: 'overload' })
    fake.emit('reports', reports(41, 42))
    await settle()
    expect(log.slice(-2)).toEqual(['missed', 'reports:41,42'])
    expect(fake.opens()).toBe(1) // nothing to fetch again: no snapshot holds what was left out
  })

  it('starts over from a fresh snapshot after the window hung (`slow`)', async () => {
    const { fake, log } = await liveBridge()
    fake.emit('missed', { reports: 12, reason: 'slow' })
    expect(fake.opens()).toBe(2)
    fake.answerOpen(empty)
    await settle()
    expect(log.slice(-3)).toEqual(['missed', 'snapshot', 'link:live'])
  })

  it('lets only the newest open of the feed through when the status flaps', async () => {
    const fake = fakeApi(running)
    const { events, log } = recorder()
    new IpcBridge(fake.api).connect(events)
    await settle()
    fake.emit('status', { state: 'starting' })
    fake.emit('status', running)
    expect(fake.opens()).toBe(2)
    fake.answerOpen({ ...empty, reports: reports(2) as never })
    fake.answerOpen({ ...empty, reports: reports(1) as never }, 0) // the stale one, late
    await settle()
    expect(log.filter((e) => e === 'snapshot')).toHaveLength(1)
  })

  it('shows a console that failed to start, with its hint', async () => {
    const fake = fakeApi({ state: 'failed', message: 'the ingest port 9800 is in use', hint: 'ss' })
    const links: unknown[] = []
    new IpcBridge(fake.api).connect({ ...recorder().events, link: (l) => links.push(l) })
    await settle()
    expect(links.at(-1)).toEqual({
      state: 'failed',
      message: 'the ingest port 9800 is in use',
      hint: 'ss'
    })
  })

  it('stops listening when disconnected', async () => {
    const fake = fakeApi(running)
    const stop = new IpcBridge(fake.api).connect(recorder().events)
    // One per event the window is sent: each live topic, and the console's status.
    expect(fake.listenerCount()).toBe(Object.keys(IPC_EVENTS).length)
    stop()
    expect(fake.listenerCount()).toBe(0)
  })
})
