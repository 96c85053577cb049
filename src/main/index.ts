import { join } from 'node:path'

import { app, BrowserWindow, ipcMain, shell } from 'electron'

import type { ConsoleStatus } from '../shared/ipc-contract'
import { resolveConfig } from './core/config'
import { LookoutConsole } from './core/console'
import { defaultDataDir } from './core/data-dir'
import { createLogger } from './core/logger'
import { registerIpcHandlers } from './ipc'

// The Electron shell: lifecycle, the window, and the wiring of the core to IPC. The console
// itself is the same core `lookout serve` runs.

const logger = createLogger({ level: 'info', format: 'pretty' })
const config = resolveConfig({ dataDir: defaultDataDir() })
const core = new LookoutConsole(config, { logger })
let status: ConsoleStatus = { state: 'starting' }
let window: BrowserWindow | null = null

function createWindow(): void {
  window = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'Lookout',
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false
    }
  })
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  window.webContents.on('will-navigate', (event) => event.preventDefault())
  if (process.env.ELECTRON_RENDERER_URL) void window.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void window.loadFile(join(__dirname, '../renderer/index.html'))
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    if (window === null) return
    if (window.isMinimized()) window.restore()
    window.focus()
  })

  registerIpcHandlers(ipcMain, { getStatus: async () => status })

  void app.whenReady().then(async () => {
    createWindow()
    try {
      const started = await core.start()
      status = {
        state: 'running',
        ingest: started.ingest,
        web: started.web,
        dataDir: config.dataDir
      }
    } catch (error) {
      status = { state: 'failed', message: (error as Error).message }
      logger.error({ err: error }, 'console failed to start')
    }
  })

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
