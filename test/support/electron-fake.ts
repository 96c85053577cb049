import { EventEmitter } from 'node:events'

import type { IpcMainInvokeEvent } from 'electron'

import type { WindowSender } from '../../src/main/ipc'

/** What a renderer-side listener gets first: Electron's IpcRendererEvent, reduced to `sender`. */
export interface FakeIpcRendererEvent {
  sender: FakeIpcRenderer
}

type RendererListener = (event: FakeIpcRendererEvent, ...args: unknown[]) => void
type InvokeHandler = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown

/**
 * The one fake of Electron's IPC, for the adapter and preload specs only (the Electron binary
 * cannot run here). Everything crossing it is structured-cloned, as the real IPC copies values.
 */
export class FakeIpcMain {
  readonly handlers = new Map<string, InvokeHandler>()

  handle(channel: string, handler: InvokeHandler): void {
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.handlers.set(channel, handler)
  }
}

export class FakeIpcRenderer {
  private readonly listeners = new EventEmitter()
  /** The URL of the page that asks: the console's own unless a test says otherwise. */
  frameUrl = 'file:///lookout/out/renderer/index.html'

  constructor(
    private readonly ipcMain: FakeIpcMain,
    private readonly window: () => FakeWebContents
  ) {}

  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.ipcMain.handlers.get(channel)
    if (handler === undefined) throw new Error(`No handler registered for '${channel}'`)
    // Only `sender` and the asking frame's URL are there: the fields the handlers may read.
    const event = {
      sender: this.window(),
      senderFrame: { url: this.frameUrl }
    } as unknown as IpcMainInvokeEvent
    return structuredClone(await handler(event, ...structuredClone(args)))
  }

  on(channel: string, listener: RendererListener): this {
    this.listeners.on(channel, listener)
    return this
  }

  removeListener(channel: string, listener: RendererListener): this {
    this.listeners.removeListener(channel, listener)
    return this
  }

  listenerCount(channel: string): number {
    return this.listeners.listenerCount(channel)
  }

  /** What the main side's webContents.send does on the renderer side. */
  deliver(channel: string, payload: unknown): void {
    const event: FakeIpcRendererEvent = { sender: this }
    this.listeners.emit(channel, event, payload)
  }
}

/** The window's WebContents, as the main-process handlers see it (`event.sender`). */
export class FakeWebContents implements WindowSender {
  private readonly events = new EventEmitter<{ destroyed: [] }>()
  private destroyed = false

  constructor(
    readonly id: number,
    private readonly renderer: FakeIpcRenderer
  ) {}

  send(channel: string, payload: unknown): void {
    // As Electron does: a destroyed WebContents throws on every use.
    if (this.destroyed) throw new Error('Object has been destroyed')
    this.renderer.deliver(channel, structuredClone(payload))
  }

  isDestroyed(): boolean {
    return this.destroyed
  }

  once(event: 'destroyed', listener: () => void): this {
    this.events.once(event, listener)
    return this
  }

  /** Closes the window, for tests: emits 'destroyed' once. */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.events.emit('destroyed')
  }
}

export interface ElectronFake {
  ipcMain: FakeIpcMain
  ipcRenderer: FakeIpcRenderer
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void }
  /** What the preload exposed, by key. */
  exposed: Map<string, unknown>
  /** The window the renderer is in: `event.sender` of its requests. */
  readonly webContents: FakeWebContents
  /** Gives the renderer a new window (a new id), for tests that closed the previous one. */
  openWindow(): FakeWebContents
}

/** Electron's main and renderer sides of one window. */
export function createElectronFake(): ElectronFake {
  const ipcMain = new FakeIpcMain()
  const exposed = new Map<string, unknown>()
  let nextId = 1
  let window: FakeWebContents
  const ipcRenderer = new FakeIpcRenderer(ipcMain, () => window)
  window = new FakeWebContents(nextId++, ipcRenderer)
  return {
    ipcMain,
    ipcRenderer,
    contextBridge: { exposeInMainWorld: (key, api) => void exposed.set(key, api) },
    exposed,
    get webContents() {
      return window
    },
    openWindow() {
      window = new FakeWebContents(nextId++, ipcRenderer)
      return window
    }
  }
}
