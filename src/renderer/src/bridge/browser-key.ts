const STORAGE_KEY = 'lookout.key'

/**
 * The key a browser was opened with. `?key=` moves into session storage and out of the address
 * bar at once, so it is not left in history, bookmarks or a screenshot of the page.
 */
export function takeKeyFromAddress(): string | null {
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('key')
  if (fromUrl !== null && fromUrl !== '') {
    sessionStorage.setItem(STORAGE_KEY, fromUrl)
    url.searchParams.delete('key')
    window.history.replaceState(null, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  return sessionStorage.getItem(STORAGE_KEY)
}

export function rememberKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key)
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY)
}
