import { WebSocket, type ClientOptions } from 'ws'

import type { StoredReport } from '../../src/shared/ingest-protocol'
import type { RunningConsole } from './console'

export interface StreamClose {
  code: number
  reason: string
}

/**
 * A `/stream` reader over a real WebSocket (the `ws` client): collects every report it is sent,
 * and says how the console closed it. `key` goes in the Authorization header, `hello` as the
 * first message; neither: nothing is sent.
 */
export class StreamReader {
  readonly reports: StoredReport[] = []
  /** Resolves once the connection is closed, with the console's code and reason. */
  readonly closed: Promise<StreamClose>
  /** Resolves once the upgrade is done (or rejects with the HTTP answer that refused it). */
  readonly opened: Promise<void>
  private waiters: Array<() => void> = []

  constructor(
    readonly ws: WebSocket,
    hello?: string
  ) {
    ws.on('message', (data) => {
      this.reports.push(JSON.parse(data.toString()) as StoredReport)
      this.wake()
    })
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() })
        this.wake()
      })
    )
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => {
        if (hello !== undefined) ws.send(hello)
        resolve()
      })
      ws.once('unexpected-response', (_req, res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (t: string) => (body += t))
        res.on('end', () => reject(Object.assign(new Error(body), { status: res.statusCode })))
      })
      ws.once('error', reject)
    })
    this.opened.catch(() => undefined)
    ws.on('error', () => undefined)
  }

  /** Resolves once `count` reports have come in all; rejects after `timeoutMs` or on close. */
  async waitFor(count: number, timeoutMs = 10_000): Promise<StoredReport[]> {
    const deadline = Date.now() + timeoutMs
    while (this.reports.length < count) {
      if (this.ws.readyState === WebSocket.CLOSED)
        throw new Error(`closed after ${this.reports.length}/${count} reports`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`timed out with ${this.reports.length}/${count} reports`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
    return this.reports
  }

  /** Stops reading from the socket: the console's writes pile up in the kernel, then in it. */
  pause(): void {
    socketOf(this.ws).pause()
  }

  resume(): void {
    socketOf(this.ws).resume()
  }

  close(): void {
    this.ws.terminate()
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake()
  }
}

/** The TCP socket under a ws client: ws keeps it as `_socket`, not in its typings. */
function socketOf(ws: WebSocket): import('node:net').Socket {
  return (ws as unknown as { _socket: import('node:net').Socket })._socket
}

/** Opens `/stream?<query>` on the console's web port. */
export function openStream(
  c: RunningConsole,
  query = '',
  auth: { key?: string; hello?: string } = {},
  options: ClientOptions = {}
): StreamReader {
  const url = `ws://127.0.0.1:${c.addresses.web.port}/stream${query === '' ? '' : `?${query}`}`
  const headers: Record<string, string> = { ...(options.headers as Record<string, string>) }
  if (auth.key !== undefined) headers.authorization = `Bearer ${auth.key}`
  return new StreamReader(new WebSocket(url, { ...options, headers }), auth.hello)
}

/** Every reader opened by a spec, closed by `cleanup()` (call it from afterEach). */
export function streamReaders() {
  const open: StreamReader[] = []
  return {
    open(...args: Parameters<typeof openStream>): StreamReader {
      const reader = openStream(...args)
      open.push(reader)
      return reader
    },
    cleanup(): void {
      for (const reader of open.splice(0)) reader.close()
    }
  }
}
