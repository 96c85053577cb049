// @vitest-environment jsdom
import { act } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { App } from '../../src/renderer/src/app'
import type { ConsoleBridge } from '../../src/renderer/src/bridge/console-bridge'
import { setUpI18n } from '../../src/renderer/src/i18n'
import { VIEW_STORAGE_KEY } from '../../src/renderer/src/state/view-choice'
import { NO_FLOOD } from './support/alarm-fixtures'
import { byTestId, click, fakeBridge } from './support/render-console'

let root: Root | undefined
let container: HTMLElement | undefined
beforeEach(() => localStorage.clear())
afterEach(() => {
  act(() => root?.unmount())
  container?.remove()
})

/** A browser's bridge to a console with no device yet: live at once. */
function liveBridge(): ConsoleBridge {
  const bridge = fakeBridge('browser')
  return Object.assign(bridge, {
    connect: (events: Parameters<ConsoleBridge['connect']>[0]) => {
      events.hello({
        role: 'viewer',
        local: false,
        version: '0.1.0',
        ingest: [{ protocol: 'tcp', host: '127.0.0.1', port: 9800 }],
        web: { host: '127.0.0.1', port: 9801 },
        viewUrl: 'http://127.0.0.1:9801/?key=v'
      })
      events.snapshot({
        devices: [],
        clients: [],
        reports: [],
        metrics: [],
        alarms: [],
        alarmFlood: NO_FLOOD,
        sources: []
      })
      events.link({ state: 'live', since: 1 })
      return () => undefined
    }
  })
}

async function openConsole(): Promise<HTMLElement> {
  await setUpI18n()
  container = document.createElement('div')
  document.body.append(container)
  root = createRoot(container)
  await act(async () => root!.render(<App bridge={liveBridge()} />))
  // The store shows what the bridge sent at its next frame: waited for, a few ms at a time.
  for (let i = 0; i < 200 && byTestId(container, 'view-overview') === null; i++)
    await act(async () => new Promise((r) => setTimeout(r, 10)))
  return container
}

describe('the console’s views', () => {
  it('opens on the Overview, switches to the panels from the header, and remembers it', async () => {
    let page = await openConsole()
    expect(byTestId(page, 'overview')).not.toBeNull()
    expect(byTestId(page, 'devices-panel')).toBeNull()
    expect(byTestId(page, 'view-overview')!.getAttribute('aria-pressed')).toBe('true')

    await click(byTestId(page, 'view-panels'))
    expect(byTestId(page, 'overview')).toBeNull()
    expect(byTestId(page, 'devices-panel')).not.toBeNull()
    expect(byTestId(page, 'feed-panel')).not.toBeNull()
    expect(localStorage.getItem(VIEW_STORAGE_KEY)).toBe('panels')

    act(() => root!.unmount())
    container!.remove()
    page = await openConsole()
    expect(byTestId(page, 'devices-panel')).not.toBeNull()
    expect(byTestId(page, 'view-panels')!.getAttribute('aria-pressed')).toBe('true')
  })
})
