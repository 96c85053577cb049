import { WebSocket, type RawData } from 'ws'

import { ViewerTally, type ViewerCounts } from './live-viewers'

/** Socket.IO over Engine.IO v4, as text frames: the packets a `/live` viewer exchanges. */
const OPEN = '0'
const PING = '2'
const PONG = '3'
const CONNECT_LIVE = '40/live,'
const CONNECT_ERROR_LIVE = '44/live,'
const EVENT_LIVE = '42/live,'
const REPORTS = Buffer.from(`${EVENT_LIVE}["reports",`)
const MISSED = Buffer.from(`${EVENT_LIVE}["missed",`)
const REPORT_ID = Buffer.from('"_id":')

function startsWith(data: Buffer, prefix: Buffer): boolean {
  return (
    data.length >= prefix.length && data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0
  )
}

/**
 * N `/live` viewers that speak the Socket.IO protocol straight over a WebSocket and count the
 * reports in each batch without decoding it. The console does for them exactly what it does for
 * a browser — handshake, key check, every frame, pings — while they cost this machine's two
 * cores as little as a client can: remote viewers on other machines, as the console sees them.
 */
export class WireViewers {
  private readonly counts = new ViewerTally()

  private constructor(private readonly sockets: WebSocket[]) {}

  static async connect(webUrl: string, key: string, n: number): Promise<WireViewers> {
    const url = `${webUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`
    const viewers = new WireViewers([])
    try {
      await Promise.all(Array.from({ length: n }, () => viewers.open(url, key)))
    } catch (error) {
      viewers.close() // none left open behind a failed start
      throw error
    }
    return viewers
  }

  /** Opens one viewer; resolves on its snapshot's `reports`, as a browser would show them. */
  private open(url: string, key: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { skipUTF8Validation: true, perMessageDeflate: false })
      this.sockets.push(ws)
      let live = false
      const timer = setTimeout(() => reject(new Error('a viewer did not connect in 10 s')), 10_000)
      const fail = (error: Error): void => {
        clearTimeout(timer)
        reject(error)
      }
      ws.on('error', fail)
      ws.on('message', (raw: RawData) => {
        const data = raw as Buffer
        if (startsWith(data, REPORTS)) {
          if (!live) {
            live = true
            clearTimeout(timer)
            resolve()
            return // the snapshot: not counted
          }
          this.counts.emits += 1
          for (let at = data.indexOf(REPORT_ID); at !== -1; at = data.indexOf(REPORT_ID, at + 1))
            this.counts.reports += 1
          return
        }
        const text = data.toString()
        if (text === PING) ws.send(PONG)
        else if (text.startsWith(OPEN)) ws.send(`${CONNECT_LIVE}${JSON.stringify({ key })}`)
        else if (text.startsWith(CONNECT_ERROR_LIVE)) fail(new Error(`refused: ${text}`))
        else if (startsWith(data, MISSED))
          this.counts.missed += (
            JSON.parse(text.slice(EVENT_LIVE.length)) as [string, { reports: number }]
          )[1].reports
      })
    })
  }

  /** What was received since the last call. */
  take(): ViewerCounts {
    return this.counts.take()
  }

  close(): void {
    for (const ws of this.sockets) ws.terminate()
  }
}
