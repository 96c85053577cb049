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

/** What viewers received, summed over them; `take()` hands it over and starts again. */
export class ViewerTally implements ViewerCounts {
  reports = 0
  emits = 0
  missed = 0

  take(): ViewerCounts {
    const taken = { reports: this.reports, emits: this.emits, missed: this.missed }
    this.reports = this.emits = this.missed = 0
    return taken
  }
}

/** N `/live` viewers in this process, counting what they receive. */
export class LiveViewers {
  private readonly counts = new ViewerTally()
  /** Send-to-receipt times (ms) of reports whose device starts with the tracked prefix. */
  private latencies: number[] = []
  private tracked: string | null = null

  private constructor(
    private readonly sockets: Array<Socket<LiveServerToClientEvents, LiveClientToServerEvents>>
  ) {
    for (const s of sockets) {
      s.on('reports', (reports) => {
        this.counts.reports += reports.length
        this.counts.emits += 1
        if (this.tracked === null) return
        const now = Date.now()
        for (const r of reports) {
          if (typeof r.ts === 'number' && r.device.startsWith(this.tracked))
            this.latencies.push(now - r.ts)
        }
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
    return this.counts.take()
  }

  /** Starts recording the latency of reports from devices whose id starts with `prefix`. */
  trackLatency(prefix: string): void {
    this.tracked = prefix
    this.latencies = []
  }

  /** The latencies recorded since trackLatency(), and stops recording. */
  takeLatencies(): number[] {
    const taken = this.latencies
    this.latencies = []
    this.tracked = null
    return taken
  }

  close(): void {
    for (const s of this.sockets) s.close()
  }
}
