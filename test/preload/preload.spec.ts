import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'

import { registerIpcHandlers } from '../../src/main/ipc'
import { IPC_CHANNELS, type ConsoleIpcApi, type ConsoleStatus } from '../../src/shared/ipc-contract'
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

describe('preload ↔ main IPC wiring', () => {
  it('exposes exactly the contract, as functions, and nothing else', () => {
    expect(Object.keys(api).sort()).toEqual(Object.keys(IPC_CHANNELS).sort())
    expect(Object.values(api).every((f) => typeof f === 'function')).toBe(true)
    expect([...fake.exposed.keys()]).toEqual(['api']) // no ipcRenderer
  })

  it('reaches the main-process handler and returns its value', async () => {
    const status: ConsoleStatus = {
      state: 'running',
      ingest: { host: '0.0.0.0', port: 9800 },
      web: { host: '0.0.0.0', port: 9801 },
      dataDir: '/d'
    }
    registerIpcHandlers(fake.ipcMain, { getStatus: async () => status })
    expect(await api.getStatus()).toEqual(status)
  })

  it('turns a failing handler into an Error the renderer can show', async () => {
    registerIpcHandlers(fake.ipcMain, {
      getStatus: async () => {
        throw Object.assign(new Error('the console is not running'), { code: 'not_running' })
      }
    })
    await expect(api.getStatus()).rejects.toMatchObject({
      message: 'the console is not running',
      code: 'not_running'
    })
  })

  it('registers one handler per contract channel', () => {
    registerIpcHandlers(fake.ipcMain, { getStatus: async () => ({ state: 'starting' }) })
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual(Object.values(IPC_CHANNELS).sort())
  })
})
