import { createContext, useContext, useSyncExternalStore } from 'react'

import type { ConsoleBridge } from '../bridge/console-bridge'
import type { ConsoleStore, ConsoleView } from '../state/console-store'

export const ConsoleContext = createContext<{ store: ConsoleStore; bridge: ConsoleBridge } | null>(
  null
)

function useConsoleContext(): { store: ConsoleStore; bridge: ConsoleBridge } {
  const value = useContext(ConsoleContext)
  if (value === null) throw new Error('a panel was rendered outside the console provider')
  return value
}

/** The console's current view; re-renders at most once per animation frame. */
export function useConsoleView(): ConsoleView {
  const { store } = useConsoleContext()
  return useSyncExternalStore(store.subscribe, store.getView)
}

/**
 * One part of the view: the component re-renders only when that part changes (the view's parts
 * are replaced, never mutated, so a part that did not change is the same object). The feed's
 * ring is the one mutable part: select `feedVersion` with it.
 */
export function useConsole<T>(select: (view: ConsoleView) => T): T {
  const { store } = useConsoleContext()
  return useSyncExternalStore(store.subscribe, () => select(store.getView()))
}

export function useBridge(): ConsoleBridge {
  return useConsoleContext().bridge
}
