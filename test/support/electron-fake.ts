import { EventEmitter } from 'node:events'

/**
 * The one fake of Electron's IPC, for the adapter and preload specs only (the Electron binary
 * cannot run here). ipcRenderer.invoke reaches the handler ipcMain.handle registered, through a
 * structured clone, as the real IPC would copy the value.
 */
export class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, (event: any, ...args: any[]) => unknown>()

  handle(channel: string, handler: (event: any, ...args: any[]) => unknown): void {
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.handlers.set(channel, handler)
  }
}

export function createElectronFake() {
  const ipcMain = new FakeIpcMain()
  const exposed = new Map<string, unknown>()
  const ipcRenderer = {
    async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
      const handler = ipcMain.handlers.get(channel)
      if (handler === undefined) throw new Error(`No handler registered for '${channel}'`)
      return structuredClone(await handler({ sender: 'renderer' }, ...structuredClone(args)))
    }
  }
  const contextBridge = {
    exposeInMainWorld(key: string, api: unknown): void {
      exposed.set(key, api)
    }
  }
  return { ipcMain, ipcRenderer, contextBridge, exposed }
}
