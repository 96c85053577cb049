import { act } from 'react'
import { createRoot } from 'react-dom/client'

import { BridgeError, type ConsoleBridge } from '../../../src/renderer/src/bridge/console-bridge'
import { ConsoleContext } from '../../../src/renderer/src/hooks/use-console'
import { setUpI18n } from '../../../src/renderer/src/i18n'
import { ConsoleStore } from '../../../src/renderer/src/state/console-store'
import type { Alarm, AlarmFlood } from '../../../src/shared/alarm-types'
import type { Role } from '../../../src/shared/live-events'
import type { SourceHealth } from '../../../src/shared/source-types'
import { NO_FLOOD } from './alarm-fixtures'

// Renderer component specs: the real panels and store in jsdom, behind a small fake bridge.
;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true

/** A bridge whose requests fail unless a spec gives them: a panel asking for more is seen. */
export function fakeBridge(
  kind: ConsoleBridge['kind'],
  requests: Partial<Omit<ConsoleBridge, 'kind' | 'connect'>> = {}
): ConsoleBridge {
  const unexpected = (name: string) => async () => {
    throw new BridgeError('not_used', `${name} was not expected`)
  }
  return new Proxy({ kind, connect: () => () => undefined, ...requests } as ConsoleBridge, {
    get: (target, name: string) =>
      name in target ? target[name as keyof ConsoleBridge] : unexpected(name)
  })
}

export interface Rendered {
  container: HTMLElement
  store: ConsoleStore
  /** Feeds alarms to the store as the `alarms` topic would. */
  sendAlarms(alarms: Alarm[]): Promise<void>
  unmount(): void
}

/** Renders `ui` in a console whose view has the role, the alarms, the flood and the sources given. */
export async function renderConsole(
  ui: React.ReactNode,
  options: {
    bridge: ConsoleBridge
    role?: Role
    alarms?: Alarm[]
    flood?: AlarmFlood
    sources?: SourceHealth[]
  }
): Promise<Rendered> {
  await setUpI18n()
  const store = new ConsoleStore(
    () => 5_000,
    (run) => run()
  )
  store.events.hello({
    role: options.role ?? 'operator',
    local: options.bridge.kind === 'desktop',
    version: '0.1.0',
    ingest: [{ protocol: 'tcp', host: '127.0.0.1', port: 9800 }],
    web: { host: '127.0.0.1', port: 9801 },
    viewUrl: 'http://127.0.0.1:9801/?key=v'
  })
  store.events.snapshot({
    devices: [],
    clients: [],
    reports: [],
    metrics: [],
    alarms: options.alarms ?? [],
    alarmFlood: options.flood ?? NO_FLOOD,
    sources: options.sources ?? []
  })
  const container = document.createElement('div')
  document.body.append(container)
  const root = createRoot(container)
  await act(async () =>
    root.render(
      <ConsoleContext.Provider value={{ store, bridge: options.bridge }}>
        {ui}
      </ConsoleContext.Provider>
    )
  )
  return {
    container,
    store,
    sendAlarms: (alarms) => act(async () => store.events.alarms(alarms)),
    unmount: () => {
      act(() => root.unmount())
      container.remove()
    }
  }
}

/** Clicks an element as a user does, and lets React finish what follows. */
export async function click(element: Element | null | undefined): Promise<void> {
  if (!element) throw new Error('nothing to click')
  await act(async () => {
    element.dispatchEvent(new MouseEvent('click', { bubbles: true }))
  })
}

/** Types into a controlled input: React sees it through the value setter and an input event. */
export async function type(element: Element | null | undefined, text: string): Promise<void> {
  if (!(element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement))
    throw new Error('nothing to type into')
  const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(element), 'value')!.set!
  await act(async () => {
    setter.call(element, text)
    element.dispatchEvent(new Event('input', { bubbles: true }))
  })
}

/** Picks an option of a <select>. */
export async function choose(element: Element | null | undefined, value: string): Promise<void> {
  if (!(element instanceof HTMLSelectElement)) throw new Error('nothing to choose in')
  await act(async () => {
    element.value = value
    element.dispatchEvent(new Event('change', { bubbles: true }))
  })
}

/** The element with this `data-testid` inside `root`, or null. */
export function byTestId(root: ParentNode, id: string): HTMLElement | null {
  return root.querySelector(`[data-testid="${id}"]`)
}
