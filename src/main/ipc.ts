import type { IpcMain } from 'electron'

import { IPC_CHANNELS, type ConsoleIpcApi } from '../shared/ipc-contract'
import { toEnvelope } from './core/to-envelope'

/**
 * Registers a handler for every channel of the contract; `handlers` must implement all of them.
 * Each answer goes out in the one envelope, so no handler needs its own try/catch and the
 * renderer always gets a message it can show.
 */
export function registerIpcHandlers(
  ipcMain: Pick<IpcMain, 'handle'>,
  handlers: ConsoleIpcApi
): void {
  for (const method of Object.keys(IPC_CHANNELS) as Array<keyof ConsoleIpcApi>) {
    ipcMain.handle(IPC_CHANNELS[method], () => toEnvelope(() => handlers[method]()))
  }
}
