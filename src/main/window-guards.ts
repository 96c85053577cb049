import type { Session, WebContents } from 'electron'

import { UI_CONTENT_SECURITY_POLICY } from './core/web/static-ui'

/** The desktop window's policy: the same as the served UI's (its own code and nothing else). */
export const CONTENT_SECURITY_POLICY = UI_CONTENT_SECURITY_POLICY

/**
 * Nothing leaves the console's own page: a link to the web opens in the system browser, every
 * other new window, navigation and embedded webview is refused.
 */
export function guardContents(
  contents: Pick<WebContents, 'setWindowOpenHandler' | 'on'>,
  openExternal: (url: string) => void
): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//i.test(url)) openExternal(url)
    return { action: 'deny' }
  })
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

/** No permission (camera, notifications, clipboard reads…) is granted; every answer carries the CSP. */
export function guardSession(
  session: Pick<Session, 'setPermissionRequestHandler' | 'webRequest'>
): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY]
      }
    })
  })
}
