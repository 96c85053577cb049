/**
 * Stands in for the `electron` module inside the test preload: the real preload code runs in
 * Chromium, and its IPC travels to the test process through a function Playwright exposes
 * (`__lookoutInvoke`) and back through `__lookoutEmit`, where the real main-process handlers
 * answer. Bundled for the page; it never runs in Node.
 */
type Listener = (event: object, payload: unknown) => void

const page = globalThis as unknown as Record<string, unknown> & {
  __lookoutInvoke(channel: string, args: unknown[]): Promise<unknown>
  __lookoutEmit(channel: string, payload: unknown): void
}

const listeners = new Map<string, Set<Listener>>()

page.__lookoutEmit = (channel, payload) => {
  for (const listener of listeners.get(channel) ?? []) listener({}, payload)
}

export const ipcRenderer = {
  invoke: (channel: string, ...args: unknown[]): Promise<unknown> =>
    page.__lookoutInvoke(channel, args),
  on(channel: string, listener: Listener) {
    if (!listeners.has(channel)) listeners.set(channel, new Set())
    listeners.get(channel)!.add(listener)
    return ipcRenderer
  },
  removeListener(channel: string, listener: Listener) {
    listeners.get(channel)?.delete(listener)
    return ipcRenderer
  }
}

export const contextBridge = {
  exposeInMainWorld(key: string, api: unknown): void {
    page[key] = Object.freeze(api)
  }
}
