import type { ConsoleIpcApi } from '../shared/ipc-contract'

declare global {
  interface Window {
    /** Present in the desktop window only (the preload's contextBridge); absent in a browser. */
    api?: ConsoleIpcApi
  }
}
