import { describe, expect, it, vi } from 'vitest'

import { registerIpcHandlers } from '../../src/main/ipc'
import { IPC_CHANNELS, type ConsoleIpcApi, type ConsoleStatus } from '../../src/shared/ipc-contract'
import { createElectronFake } from '../support/electron-fake'

const electron = vi.hoisted(() => ({ current: undefined as unknown }))
vi.mock('electron', () => electron.current as object)

describe('preload ↔ main IPC wiring', () => {
  it('exposes exactly the contract, as functions, and each reaches its main-process handler', async () => {
    const fake = createElectronFake()
    electron.current = fake
    const status: ConsoleStatus = {
      state: 'running',
      ingest: { host: '0.0.0.0', port: 9800 },
      web: { host: '0.0.0.0', port: 9801 },
      dataDir: '/d'
    }
    registerIpcHandlers(fake.ipcMain, { getStatus: async () => status })
    await import('../../src/preload/index')

    const api = fake.exposed.get('api') as ConsoleIpcApi
    expect(Object.keys(api).sort()).toEqual(Object.keys(IPC_CHANNELS).sort())
    expect(Object.values(api).every((f) => typeof f === 'function')).toBe(true)
    expect([...fake.exposed.keys()]).toEqual(['api']) // nothing else, no ipcRenderer
    expect(await api.getStatus()).toEqual(status)
  })

  it('registers one handler per contract channel', () => {
    const fake = createElectronFake()
    registerIpcHandlers(fake.ipcMain, { getStatus: async () => ({ state: 'starting' }) })
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual(Object.values(IPC_CHANNELS).sort())
  })
})
