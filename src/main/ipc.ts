import type { IpcMain } from 'electron'

import { IPC_CHANNELS, type ConsoleRequests } from '../shared/ipc-contract'
import { OperationError } from './core/operations/operation-error'
import { toEnvelope } from './core/operations/to-envelope'

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
  handlers: ConsoleHandlers,
  /** Whether a request comes from the console's own page; others are refused. */
  trusted: (frameUrl: string | undefined) => boolean = () => true
): void {
  for (const method of Object.keys(IPC_CHANNELS) as Array<keyof ConsoleRequests>) {
    const handler = handlers[method] as (sender: WindowSender, ...args: unknown[]) => unknown
    ipcMain.handle(IPC_CHANNELS[method], (event, ...args: unknown[]) =>
      toEnvelope(() => {
        // The operator's powers are for the console's page only, never a frame or page that
        // found its way into the window.
        if (!trusted(event.senderFrame?.url))
          throw new OperationError('forbidden', 'this page may not use the console')
        return handler(event.sender, ...args)
      })
    )
  }
}
