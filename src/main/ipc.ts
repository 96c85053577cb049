import type { IpcMain } from 'electron'

import { IPC_CHANNELS, type ConsoleIpcApi } from '../shared/ipc-contract'

/** Registers a handler for every channel of the contract; `handlers` must implement all of them. */
export function registerIpcHandlers(
  ipcMain: Pick<IpcMain, 'handle'>,
  handlers: ConsoleIpcApi
): void {
  for (const method of Object.keys(IPC_CHANNELS) as Array<keyof ConsoleIpcApi>) {
    ipcMain.handle(IPC_CHANNELS[method], () => handlers[method]())
  }
}
