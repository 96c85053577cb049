import { readFile, writeFile } from 'node:fs/promises'

export interface Bounds {
  x: number
  y: number
  width: number
  height: number
}

export interface WindowState {
  bounds: Bounds
  maximized: boolean
}

export const DEFAULT_SIZE = { width: 1400, height: 900 }

/**
 * The window's last size and position, if they still fit a screen: a window saved on a monitor
 * that is gone would open out of sight, so it then opens at the default size instead.
 */
export async function loadWindowState(
  path: string,
  screens: Bounds[]
): Promise<WindowState | null> {
  let state: WindowState
  try {
    state = JSON.parse(await readFile(path, 'utf8')) as WindowState
  } catch {
    return null // first run, or an unreadable file: the default is fine
  }
  const b = state?.bounds
  if (
    typeof b !== 'object' ||
    ![b.x, b.y, b.width, b.height].every(Number.isFinite) ||
    b.width < 400 ||
    b.height < 300
  )
    return null
  const visible = screens.some(
    (s) =>
      b.x < s.x + s.width - 100 &&
      b.x + b.width > s.x + 100 &&
      b.y >= s.y - 20 &&
      b.y < s.y + s.height - 100
  )
  return visible ? { bounds: b, maximized: state.maximized === true } : null
}

export async function saveWindowState(path: string, state: WindowState): Promise<void> {
  await writeFile(path, JSON.stringify(state) + '\n')
}
