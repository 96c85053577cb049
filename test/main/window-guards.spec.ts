import type { Session, WebContents } from 'electron'
import { describe, expect, it } from 'vitest'

import { CONTENT_SECURITY_POLICY, guardContents, guardSession } from '../../src/main/window-guards'

// The window's guards against a typed fake of the two Electron objects they touch (the
// Electron binary cannot run here); what matters is what each handler answers.

function fakeContents() {
  let openHandler: ((details: { url: string }) => { action: string }) | undefined
  const listeners = new Map<string, (event: { preventDefault(): void }) => void>()
  const contents = {
    setWindowOpenHandler: (handler: typeof openHandler) => void (openHandler = handler),
    on: (event: string, listener: (event: { preventDefault(): void }) => void) => {
      listeners.set(event, listener)
      return contents
    }
  }
  return {
    contents: contents as unknown as Pick<WebContents, 'setWindowOpenHandler' | 'on'>,
    open: (url: string) => openHandler!({ url }),
    prevented: (event: string) => {
      let prevented = false
      listeners.get(event)?.({ preventDefault: () => (prevented = true) })
      return prevented
    }
  }
}

describe('window guards', () => {
  it('denies every new window, sending web links to the system browser', () => {
    const fake = fakeContents()
    const external: string[] = []
    guardContents(fake.contents, (url) => external.push(url))
    expect(fake.open('https://example.com/manual')).toEqual({ action: 'deny' })
    expect(fake.open('file:///etc/passwd')).toEqual({ action: 'deny' })
    expect(fake.open('javascript:alert(1)')).toEqual({ action: 'deny' })
    expect(external).toEqual(['https://example.com/manual'])
  })

  it('blocks navigation away from the console and embedded webviews', () => {
    const fake = fakeContents()
    guardContents(fake.contents, () => undefined)
    expect(fake.prevented('will-navigate')).toBe(true)
    expect(fake.prevented('will-attach-webview')).toBe(true)
  })

  it('grants no permission and puts the CSP on every answer', () => {
    let permission: ((c: unknown, p: string, cb: (granted: boolean) => void) => void) | undefined
    let headers:
      | ((d: { responseHeaders?: Record<string, string[]> }, cb: (r: unknown) => void) => void)
      | undefined
    guardSession({
      setPermissionRequestHandler: (handler: typeof permission) => void (permission = handler),
      webRequest: { onHeadersReceived: (listener: typeof headers) => void (headers = listener) }
    } as unknown as Pick<Session, 'setPermissionRequestHandler' | 'webRequest'>)
    const granted: boolean[] = []
    for (const p of ['media', 'notifications', 'clipboard-read', 'geolocation'])
      permission!(null, p, (g) => granted.push(g))
    expect(granted).toEqual([false, false, false, false])
    let answer: any
    headers!({ responseHeaders: { 'X-Other': ['1'] } }, (r) => (answer = r))
    expect(answer.responseHeaders).toEqual({
      'X-Other': ['1'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY]
    })
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'")
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe')
  })
})
