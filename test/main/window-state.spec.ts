import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { loadWindowState, saveWindowState } from '../../src/main/window-state'
import { tempDirs } from '../support/temp-dir'

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

const screen = { x: 0, y: 0, width: 1920, height: 1080 }

describe('window state', () => {
  it('reopens where it was closed, maximized or not', async () => {
    const path = join(await dirs.make(), 'window-state.json')
    await saveWindowState(path, {
      bounds: { x: 100, y: 80, width: 1200, height: 700 },
      maximized: true
    })
    expect(await loadWindowState(path, [screen])).toEqual({
      bounds: { x: 100, y: 80, width: 1200, height: 700 },
      maximized: true
    })
  })

  it('forgets a position on a screen that is gone, so the window never opens out of sight', async () => {
    const path = join(await dirs.make(), 'window-state.json')
    const secondScreen = { x: 1920, y: 0, width: 1920, height: 1080 }
    await saveWindowState(path, {
      bounds: { x: 2200, y: 100, width: 1200, height: 700 },
      maximized: false
    })
    expect(await loadWindowState(path, [screen, secondScreen])).not.toBeNull()
    expect(await loadWindowState(path, [screen])).toBeNull()
  })

  it('starts at the default size without a file, or with a damaged one', async () => {
    const dir = await dirs.make()
    expect(await loadWindowState(join(dir, 'none.json'), [screen])).toBeNull()
    await writeFile(join(dir, 'bad.json'), '{"bounds": {"x": "left"')
    expect(await loadWindowState(join(dir, 'bad.json'), [screen])).toBeNull()
    await writeFile(join(dir, 'tiny.json'), '{"bounds":{"x":0,"y":0,"width":10,"height":10}}')
    expect(await loadWindowState(join(dir, 'tiny.json'), [screen])).toBeNull()
  })
})
