/**
 * The IPC contract between the Electron main process and the renderer: every channel the preload
 * exposes is named here, and `IPC_CHANNELS` must list a channel for every method of
 * `ConsoleIpcApi`, so a new method fails to compile until it is wired.
 */

export type ConsoleStatus =
  | {
      state: 'running'
      ingest: { host: string; port: number }
      web: { host: string; port: number }
      dataDir: string
    }
  | { state: 'starting' }
  | { state: 'failed'; message: string }

/** What the preload exposes as `window.api`. */
export interface ConsoleIpcApi {
  getStatus(): Promise<ConsoleStatus>
}

export const IPC_CHANNELS = {
  getStatus: 'console:get-status'
} as const satisfies Record<keyof ConsoleIpcApi, string>
