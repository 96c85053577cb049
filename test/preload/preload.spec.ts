import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'

import { OperationError } from '../../src/main/core/operations/operation-error'
import { registerIpcHandlers, type ConsoleHandlers, type WindowSender } from '../../src/main/ipc'
import {
  EXPORT_PROGRESS_CHANNEL,
  IPC_CHANNELS,
  IPC_EVENTS,
  type ConsoleIpcApi,
  type ConsoleRequests,
  type IpcEventName
} from '../../src/shared/ipc-contract'
import { createElectronFake } from '../support/electron-fake'

// One fake Electron for the file: the preload runs once, as in a window, against it.
const electron = vi.hoisted(() => ({ fake: undefined as unknown }))
vi.mock('electron', () => electron.fake as object)
const fake = createElectronFake()
electron.fake = fake

let api: ConsoleIpcApi
beforeAll(async () => {
  await import('../../src/preload/index')
  api = fake.exposed.get('api') as ConsoleIpcApi
})
beforeEach(() => fake.ipcMain.handlers.clear())

type Method = keyof ConsoleRequests
const METHODS = Object.keys(IPC_CHANNELS) as Method[]

interface Call {
  method: Method
  sender: WindowSender
  args: unknown[]
}

/** Handlers that record what reached them and answer with `answer(method)`. */
function recording(
  calls: Call[],
  answer: (method: Method) => unknown = (method) => ({ answeredBy: method })
): ConsoleHandlers {
  const entries = METHODS.map((method) => [
    method,
    async (sender: WindowSender, ...args: unknown[]) => {
      calls.push({ method, sender, args })
      return answer(method)
    }
  ])
  return Object.fromEntries(entries) as ConsoleHandlers
}

/** Calls `method` through the preload's api with `args`, whatever its signature. */
function ask(method: Method, args: unknown[]): Promise<unknown> {
  return (api[method] as (...a: unknown[]) => Promise<unknown>)(...args)
}

describe('preload ↔ main IPC wiring', () => {
  it('exposes exactly the request channels, `on` and `onExportProgress`, as functions, and nothing else', () => {
    expect(Object.keys(api).sort()).toEqual([...METHODS, 'on', 'onExportProgress'].sort())
    expect(Object.values(api).every((f) => typeof f === 'function')).toBe(true)
    expect([...fake.exposed.keys()]).toEqual(['api']) // no ipcRenderer
  })

  const requests: Array<[Method, unknown[]]> = [
    ['getStatus', []],
    ['openLive', []],
    ['queryReports', [{ device: 'pump-7', since: 1_000, limit: 5 }]],
    [
      'series',
      [{ device: 'pump-7', fields: ['temp', 'motor.rpm'], since: 1_000, until: 90_000, points: 60 }]
    ],
    ['sendMessage', [{ to: 'phone-1', data: { text: 'shift change', at: [14, 0] } }]],
    ['messageStatus', ['7c0f5a9e-message-id']],
    ['copyViewUrl', []],
    ['copyText', ['a device token']],
    ['deviceTokens', []],
    ['createDeviceToken', [{ identity: 'line-9', devices: ['plc-9*'] }]],
    ['revokeDeviceToken', ['7c0f5a9e-token-id']],
    ['setDeviceTokensRequired', [true]],
    ['alarms', [{ state: 'active-unacked', severity: 'critical', device: 'pump-7' }]],
    ['ackAlarm', ['hot/pump-7', { comment: 'valve closed', operator: 'li' }]],
    ['shelveAlarm', ['hot/pump-7', { minutes: 30, comment: 'known fault' }]],
    ['unshelveAlarm', ['hot/pump-7']],
    ['silenceAlarm', ['hot/pump-7']],
    ['setDeviceMaintenance', ['pump-7', { minutes: 60, comment: 'new seal' }]],
    ['alarmRules', [{ device: 'pump-7' }]],
    [
      'createAlarmRule',
      [{ name: 'Too hot', devices: 'pump-*', field: 't', above: 90, severity: 'high' }]
    ],
    [
      'updateAlarmRule',
      ['hot', { id: 'hot', name: 'Hot', devices: '*', stale: 60, severity: 'low' }]
    ],
    ['deleteAlarmRule', ['hot']],
    [
      'previewAlarmRule',
      [{ name: 'Cold', devices: 'pump-*', field: 't', below: 5, severity: 'low' }]
    ],
    ['alarmEvents', [{ alarm: 'hot/pump-7', since: 1_000, limit: 50 }]],
    ['alarmStats', []],
    ['sources', []],
    [
      'createSource',
      [
        {
          id: 'plc-1',
          type: 'modbus',
          device: 'plc-1',
          host: '10.0.0.7',
          registers: [{ field: 't', kind: 'holding', address: 0, type: 'int16', scale: 0.1 }]
        }
      ]
    ],
    [
      'updateSource',
      [
        'opc-1',
        {
          id: 'opc-1',
          type: 'opcua',
          device: 'line-2',
          endpoint: 'opc.tcp://10.0.0.8:4840',
          user: 'lookout',
          password: '…',
          nodes: [{ field: 'rpm', nodeId: 'ns=2;s=Rpm' }]
        }
      ]
    ],
    ['deleteSource', ['plc-1']]
  ]

  it.each(requests)(
    '%s reaches its own handler with copies of its arguments, from the asking window',
    async (method, args) => {
      const calls: Call[] = []
      registerIpcHandlers(fake.ipcMain, recording(calls))
      expect(await ask(method, args)).toEqual({ answeredBy: method })
      expect(calls).toHaveLength(1)
      expect(calls[0]!.method).toBe(method)
      expect(calls[0]!.sender).toBe(fake.webContents)
      expect(calls[0]!.args).toEqual(args)
      // Copied on the way, as the real IPC does: never the renderer's own objects.
      calls[0]!.args.forEach((arg, i) => {
        if (typeof arg === 'object') expect(arg).not.toBe(args[i])
      })
    }
  )

  it('returns a copy of what the handler answers', async () => {
    const reports = [{ device: 'pump-7', seq: 1, time: 5, identity: 'anonymous' }]
    registerIpcHandlers(
      fake.ipcMain,
      recording([], () => reports)
    )
    const answer = await api.queryReports({})
    expect(answer).toEqual(reports)
    expect(answer).not.toBe(reports)
  })

  it('turns a failing handler into an Error with the code, or `internal` without one', async () => {
    registerIpcHandlers(
      fake.ipcMain,
      recording([], (method) => {
        if (method === 'copyViewUrl')
          throw new OperationError('not_running', 'the console is not running')
        throw new TypeError('something broke')
      })
    )
    const failure = await api.copyViewUrl().catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(Error)
    expect(failure).toMatchObject({ message: 'the console is not running', code: 'not_running' })
    await expect(api.messageStatus('x')).rejects.toMatchObject({
      message: 'something broke',
      code: 'internal'
    })
  })

  it('refuses every request from a page other than the console’s own', async () => {
    const calls: Call[] = []
    const own = fake.ipcRenderer.frameUrl
    registerIpcHandlers(fake.ipcMain, recording(calls), (url) => url === own)
    expect(await ask('deviceTokens', [])).toEqual({ answeredBy: 'deviceTokens' })
    fake.ipcRenderer.frameUrl = 'https://attacker.example/'
    try {
      for (const method of METHODS)
        await expect(ask(method, [])).rejects.toMatchObject({ code: 'forbidden' })
    } finally {
      fake.ipcRenderer.frameUrl = own
    }
    expect(calls).toHaveLength(1) // none of the refused requests reached a handler
  })

  it('registers one handler per contract channel, and refuses a second registration', () => {
    registerIpcHandlers(fake.ipcMain, recording([]))
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual(Object.values(IPC_CHANNELS).sort())
    expect(() => registerIpcHandlers(fake.ipcMain, recording([]))).toThrow(/second handler/)
  })

  it.each(Object.keys(IPC_EVENTS) as IpcEventName[])(
    'delivers `%s` events sent by the main side to its listeners only, payload only',
    (event) => {
      const got: unknown[][] = []
      const others: unknown[][] = []
      const stop = api.on(event, (...args: unknown[]) => got.push(args))
      const other = (Object.keys(IPC_EVENTS) as IpcEventName[]).find((e) => e !== event)!
      const stopOther = api.on(other, (...args: unknown[]) => others.push(args))
      try {
        const payload = { marker: event }
        fake.webContents.send(IPC_EVENTS[event], payload)
        expect(got).toEqual([[payload]]) // no IPC event object before it
        expect(got[0]![0]).not.toBe(payload) // a copy, as the real IPC sends
        expect(others).toEqual([])
      } finally {
        stop()
        stopOther()
      }
    }
  )

  it('stops delivering to a listener once its unsubscribe is called, and only to that one', () => {
    const first: unknown[] = []
    const second: unknown[] = []
    const stopFirst = api.on('reports', (reports) => first.push(...reports))
    const stopSecond = api.on('reports', (reports) => second.push(...reports))
    const report = (seq: number) => ({ device: 'd', seq, time: seq, identity: 'anonymous' })

    fake.webContents.send(IPC_EVENTS.reports, [report(1)])
    stopFirst()
    fake.webContents.send(IPC_EVENTS.reports, [report(2)])
    stopSecond()
    fake.webContents.send(IPC_EVENTS.reports, [report(3)])

    expect(first).toEqual([report(1)])
    expect(second).toEqual([report(1), report(2)])
    expect(fake.ipcRenderer.listenerCount(IPC_EVENTS.reports)).toBe(0)
  })

  it('hands an export’s progress from its own channel to the listener, until unsubscribed', () => {
    const got: unknown[] = []
    const stop = api.onExportProgress((progress) => got.push(progress))
    const progress = { id: 'export-1', reports: 5_000, fraction: 0.25 }
    fake.webContents.send(EXPORT_PROGRESS_CHANNEL, progress)
    fake.webContents.send(IPC_EVENTS.reports, [])
    stop()
    fake.webContents.send(EXPORT_PROGRESS_CHANNEL, { ...progress, fraction: 1 })

    expect(got).toEqual([progress])
    expect(fake.ipcRenderer.listenerCount(EXPORT_PROGRESS_CHANNEL)).toBe(0)
  })
})
