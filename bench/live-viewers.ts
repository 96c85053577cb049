import { io, type Socket } from 'socket.io-client'

import type { LiveClientToServerEvents, LiveServerToClientEvents } from '../src/shared/live-events'

export interface ViewerCounts {
  /** Reports received, summed over viewers. */
  reports: number
  /** `reports` events received, summed over viewers. */
  emits: number
  /** Reports announced as missed (`missed` events), summed over viewers. */
  missed: number
}

/** N `/live` viewers in this process, counting what they receive. */
export class LiveViewers {
  private readonly counts: ViewerCounts = { reports: 0, emits: 0, missed: 0 }

  private constructor(
    private readonly sockets: Array<Socket<LiveServerToClientEvents, LiveClientToServerEvents>>
  ) {
    for (const s of sockets) {
      s.on('reports', (reports) => {
        this.counts.reports += reports.length
        this.counts.emits += 1
      })
      s.on('missed', (m) => (this.counts.missed += m.reports))
    }
  }

  static async connect(webUrl: string, key: string, n: number): Promise<LiveViewers> {
    const sockets = Array.from({ length: n }, () =>
      io(`${webUrl}/live`, {
        auth: { key },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true
      })
    )
    await Promise.all(
      sockets.map(
        (s) =>
          new Promise<void>((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error('a viewer did not connect in 10 s')),
              10_000
            )
            s.once('reports', () => {
              clearTimeout(timer)
              resolve()
            })
            s.once('connect_error', (e) => reject(e))
          })
      )
    )
    return new LiveViewers(sockets)
  }

  /** What was received since the last call. */
  take(): ViewerCounts {
    const taken = { ...this.counts }
    this.counts.reports = this.counts.emits = this.counts.missed = 0
    return taken
  }

  close(): void {
    for (const s of this.sockets) s.close()
  }
}
