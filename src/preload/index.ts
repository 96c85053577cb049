import { contextBridge, ipcRenderer } from 'electron'

import { IPC_CHANNELS, type ConsoleIpcApi } from '../shared/ipc-contract'

// Named functions only: the renderer never gets ipcRenderer itself.
const api: ConsoleIpcApi = {
  getStatus: () => ipcRenderer.invoke(IPC_CHANNELS.getStatus)
}

contextBridge.exposeInMainWorld('api', api)
