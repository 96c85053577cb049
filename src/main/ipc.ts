import type { IpcMain } from 'electron'

import { IPC_CHANNELS, type ConsoleIpcApi, type IpcResult } from '../shared/ipc-contract'

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
    ipcMain.handle(IPC_CHANNELS[method], async (): Promise<IpcResult<unknown>> => {
      try {
        return { ok: true, data: await handlers[method]() }
      } catch (error) {
        const e = error as { code?: unknown; message?: unknown }
        return {
          ok: false,
          error: {
            code: typeof e.code === 'string' ? e.code : 'internal',
            message: String(e.message ?? error)
          }
        }
      }
    })
  }
}
