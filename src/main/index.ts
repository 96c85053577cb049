import { extname, join } from 'node:path'
import { pathToFileURL } from 'node:url'

import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  screen,
  session,
  shell,
  type SaveDialogOptions
} from 'electron'

import { IPC_EVENTS, type ConsoleStatus } from '../shared/ipc-contract'
import { createConsoleHandlers } from './console-handlers'
import { resolveConfig } from './core/config'
import { LookoutConsole } from './core/console'
import { defaultDataDir } from './core/runtime/data-dir'
import { createLogger } from './core/runtime/logger'
import { describeStartFailure } from './core/runtime/start-failure'
import { registerIpcHandlers } from './ipc'
import { guardContents, guardSession } from './window-guards'
import { DEFAULT_SIZE, loadWindowState, saveWindowState, type WindowState } from './window-state'

// The Electron shell: lifecycle, the window, and the wiring of the core to IPC. The console
// itself is the same core `lookout serve` runs; everything below only adapts it to a window.

const logger = createLogger({ level: 'info', format: 'pretty' })
const config = resolveConfig({ dataDir: defaultDataDir() })
const core = new LookoutConsole(config, { logger, uiDir: join(__dirname, '../renderer') })
let status: ConsoleStatus = { state: 'starting' }
let window: BrowserWindow | null = null
/** The window hangs (Electron says so): live events for it are dropped, not queued. */
let unresponsive = false

// The page the window shows: the built renderer, or electron-vite's dev server while developing
// (never in a packaged app, where the variable could point the operator's powers anywhere).
const rendererFile = join(__dirname, '../renderer/index.html')
const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL
const rendererUrl = devServerUrl ?? pathToFileURL(rendererFile).href

/** Electron's save dialog, offering the export's own name in the user's downloads folder. */
async function chooseSavePath(defaultName: string): Promise<string | null> {
  const extension = extname(defaultName).slice(1)
  const options: SaveDialogOptions = {
    defaultPath: join(app.getPath('downloads'), defaultName),
    filters: [{ name: extension.toUpperCase(), extensions: [extension] }]
  }
  const chosen =
    window !== null && !window.isDestroyed()
      ? await dialog.showSaveDialog(window, options)
      : await dialog.showSaveDialog(options)
  return chosen.canceled || chosen.filePath === undefined || chosen.filePath === ''
    ? null
    : chosen.filePath
}

function setStatus(next: ConsoleStatus): void {
  status = next
  if (window !== null && !window.isDestroyed()) window.webContents.send(IPC_EVENTS.status, next)
}

async function createWindow(): Promise<void> {
  const statePath = join(app.getPath('userData'), 'window-state.json')
  const screens = screen.getAllDisplays().map((d) => d.workArea)
  const saved = await loadWindowState(statePath, screens)
  window = new BrowserWindow({
    ...(saved?.bounds ?? DEFAULT_SIZE),
    minWidth: 800,
    minHeight: 500,
    title: 'Lookout',
    show: false,
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false
    }
  })
  if (saved?.maximized) window.maximize()
  window.once('ready-to-show', () => window?.show())
  window.on('close', () => {
    if (window === null) return
    const state: WindowState = {
      bounds: window.getNormalBounds(),
      maximized: window.isMaximized()
    }
    void saveWindowState(statePath, state).catch((error: unknown) =>
      logger.warn({ err: error }, 'could not save the window state')
    )
  })
  window.on('closed', () => (window = null))
  window.on('unresponsive', () => (unresponsive = true))
  window.on('responsive', () => (unresponsive = false))

  guardContents(window.webContents, (url) => void shell.openExternal(url))

  if (devServerUrl !== undefined) await window.loadURL(devServerUrl)
  else await window.loadFile(rendererFile)
}

if (!app.requestSingleInstanceLock()) {
  // A second launch only brings the first window forward (see 'second-instance').
  app.quit()
} else {
  app.on('second-instance', () => {
    if (window === null) return
    if (window.isMinimized()) window.restore()
    window.show()
    window.focus()
  })

  registerIpcHandlers(
    ipcMain,
    createConsoleHandlers({
      operations: core.operations,
      status: () => status,
      clipboard,
      unresponsive: () => unresponsive,
      chooseSavePath
    }),
    (frameUrl) => frameUrl !== undefined && frameUrl.startsWith(rendererUrl)
  )

  void app.whenReady().then(async () => {
    guardSession(session.defaultSession)
    const opening = createWindow()
    try {
      await core.start()
      setStatus({ state: 'running', info: core.operations.info(), dataDir: config.dataDir })
    } catch (error) {
      const failure = describeStartFailure(error, {
        ingest: config.ingestPort,
        web: config.webPort
      })
      setStatus({ state: 'failed', ...failure })
      logger.error({ err: error }, 'console failed to start')
    }
    await opening
  })

  // Quitting stops the core first: acks owed are sent, the store is flushed, sockets close.
  let stopped = false
  app.on('before-quit', (event) => {
    if (stopped) return
    event.preventDefault()
    void core.stop().finally(() => {
      stopped = true
      app.quit()
    })
  })
  app.on('window-all-closed', () => app.quit())
}
