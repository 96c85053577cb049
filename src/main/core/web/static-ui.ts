import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'
import { extname, join, resolve, sep } from 'node:path'

import { HttpError } from './routes/http-json'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8'
}

/**
 * The page's policy: its own scripts, styles and sockets only. No inline script can run, so a
 * report field that slipped into the markup could not act; the key in `?key=` never leaves in a
 * Referer.
 */
export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')

/**
 * Serves the built UI (the renderer's build output) to remote browsers. It holds no secret, so
 * it needs no key; everything it shows comes over `/live` and the API, which do.
 */
export class StaticUi {
  private readonly root: string

  constructor(uiDir: string) {
    this.root = resolve(uiDir)
  }

  /** Answers a GET for a UI file; false when there is no such file, so the caller can 404. */
  async serve(pathname: string, res: ServerResponse, head: boolean): Promise<boolean> {
    let relative: string
    try {
      relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname.slice(1))
    } catch {
      return false // a malformed escape names no file
    }
    const path = resolve(join(this.root, relative))
    if (!path.startsWith(this.root + sep)) return false
    let size: number
    try {
      const info = await stat(path)
      if (!info.isFile()) return false
      size = info.size
    } catch {
      if (pathname === '/')
        throw new HttpError(
          503,
          'ui_not_built',
          'the console UI is not built: run `npm run build` (the API and /live work without it)'
        )
      return false
    }
    const type = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream'
    res.writeHead(200, {
      'content-type': type,
      'content-length': size,
      // Vite names assets by content hash: they never change; the page itself always may.
      'cache-control': relative.startsWith('assets/')
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
      'x-content-type-options': 'nosniff',
      'content-security-policy': UI_CONTENT_SECURITY_POLICY,
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin'
    })
    if (head) {
      res.end()
      return true
    }
    await new Promise<void>((done) => {
      const stream = createReadStream(path)
      stream.on('error', () => {
        res.destroy()
        done()
      })
      stream.on('end', done)
      stream.pipe(res)
    })
    return true
  }
}
