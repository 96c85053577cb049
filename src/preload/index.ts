import { contextBridge, ipcRenderer } from 'electron'

import type { Envelope } from '../shared/envelope'
import { IPC_CHANNELS, type ConsoleIpcApi } from '../shared/ipc-contract'

/** Invokes a contract channel and turns the envelope back into a value or a thrown Error. */
async function call<T>(channel: string): Promise<T> {
  const result = (await ipcRenderer.invoke(channel)) as Envelope<T>
  if (result.ok) return result.data
  throw Object.assign(new Error(result.error.message), { code: result.error.code })
}

// Named functions only: the renderer never gets ipcRenderer itself.
const api: ConsoleIpcApi = {
  getStatus: () => call(IPC_CHANNELS.getStatus)
}

contextBridge.exposeInMainWorld('api', api)
