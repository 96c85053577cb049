import { homedir } from 'node:os'
import { join } from 'node:path'

/** The product name Electron uses for its per-user folder (package.json `productName`). */
export const APP_FOLDER_NAME = 'Lookout'

/**
 * The per-user app-data folder, the same one Electron's `app.getPath('userData')` gives the
 * desktop app, so `lookout serve` and the window share keys and data. Computed here because the
 * core cannot ask Electron.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir()
): string {
  if (platform === 'win32') {
    return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_FOLDER_NAME)
  }
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_FOLDER_NAME)
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_FOLDER_NAME)
}
