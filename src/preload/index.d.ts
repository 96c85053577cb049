import type { ConsoleIpcApi } from '../shared/ipc-contract'

declare global {
  interface Window {
    api: ConsoleIpcApi
  }
}
