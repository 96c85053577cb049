import { keep, readKept, type KeptSettings } from './local-storage'

/** The console's two views: the plant at a glance, and the panels (devices, host, feed, push). */
export const CONSOLE_VIEWS = ['overview', 'panels'] as const
export type ConsoleViewName = (typeof CONSOLE_VIEWS)[number]

/** Where the choice is kept, beside the language's `lookout.lang`. */
export const VIEW_STORAGE_KEY = 'lookout.view'

/** The view chosen last in this browser (or window); the Overview until one is chosen. */
export function readView(storage: KeptSettings | null): ConsoleViewName {
  const kept = readKept(storage, VIEW_STORAGE_KEY)
  return CONSOLE_VIEWS.find((v) => v === kept) ?? 'overview'
}

export function writeView(storage: KeptSettings | null, view: ConsoleViewName): void {
  keep(storage, VIEW_STORAGE_KEY, view)
}
