import type { IpcMain } from 'electron'

import { IPC_CHANNELS, type ConsoleRequests } from '../shared/ipc-contract'
import { toEnvelope } from './core/to-envelope'

/** The window that asked, as the handlers see it: Electron's WebContents satisfies this. */
export interface WindowSender {
  readonly id: number
  send(channel: string, payload: unknown): void
  isDestroyed(): boolean
  once(event: 'destroyed', listener: () => void): unknown
}

/** The main-process side of every request of the contract: the asking window comes first. */
export type ConsoleHandlers = {
  [K in keyof ConsoleRequests]: (
    sender: WindowSender,
    ...args: Parameters<ConsoleRequests[K]>
  ) => ReturnType<ConsoleRequests[K]>
}

/**
 * Registers a handler for every channel of the contract; `handlers` must implement all of them.
 * Each answer goes out in the one envelope, so no handler needs its own try/catch and the
 * renderer always gets a message it can show.
 */
export function registerIpcHandlers(
  ipcMain: Pick<IpcMain, 'handle'>,
  handlers: ConsoleHandlers
): void {
  for (const method of Object.keys(IPC_CHANNELS) as Array<keyof ConsoleRequests>) {
    const handler = handlers[method] as (sender: WindowSender, ...args: unknown[]) => unknown
    ipcMain.handle(IPC_CHANNELS[method], (event, ...args: unknown[]) =>
      toEnvelope(() => handler(event.sender, ...args))
    )
  }
}
