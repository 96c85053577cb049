/** What the UI keeps of its own in the browser (or the desktop window): read and written by key. */
export type KeptSettings = Pick<Storage, 'getItem' | 'setItem'>

/**
 * The page's local storage, or null where there is none to use (storage turned off, a sandboxed
 * frame): the settings kept there are then the defaults, for this page's life.
 */
export function localSettings(): KeptSettings | null {
  try {
    return window.localStorage
  } catch {
    return null
  }
}

/** `value` under `key`, or nothing when it cannot be written (storage full or refused). */
export function keep(storage: KeptSettings | null, key: string, value: string): void {
  try {
    storage?.setItem(key, value)
  } catch {
    // Kept for this page's life only: the setting still applies until the page is reloaded.
  }
}

/** What is kept under `key`, or null (nothing kept, or storage refused the read). */
export function readKept(storage: KeptSettings | null, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null
  } catch {
    return null
  }
}
