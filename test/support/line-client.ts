import { connect, type Socket } from 'node:net'

/**
 * A device-side test client over a real TCP socket: writes raw bytes or reports, collects the
 * console's reply lines, and waits for a number of them with a deadline.
 */
export class LineClient {
  readonly replies: Array<Record<string, unknown>> = []
  private buffered = ''
  private waiters: Array<() => void> = []
  closed = false

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8')
    socket.on('data', (text: string) => {
      this.buffered += text
      let start = 0
      let nl: number
      while ((nl = this.buffered.indexOf('\n', start)) !== -1) {
        this.replies.push(JSON.parse(this.buffered.slice(start, nl)) as Record<string, unknown>)
        start = nl + 1
      }
      this.buffered = this.buffered.slice(start)
      this.wake()
    })
    socket.on('error', () => undefined)
    socket.on('close', () => {
      this.closed = true
      this.wake()
    })
  }

  static connect(port: number, host = '127.0.0.1'): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => resolve(new LineClient(socket)))
      socket.once('error', reject)
    })
  }

  write(data: string | Buffer): void {
    this.socket.write(data)
  }

  send(...reports: Array<Record<string, unknown>>): void {
    this.socket.write(reports.map((r) => JSON.stringify(r) + '\n').join(''))
  }

  /** Resolves once `count` replies have arrived in total; rejects after `timeoutMs`. */
  async waitForReplies(count: number, timeoutMs = 5000): Promise<Array<Record<string, unknown>>> {
    const deadline = Date.now() + timeoutMs
    while (this.replies.length < count) {
      if (this.closed)
        throw new Error(`connection closed after ${this.replies.length}/${count} replies`)
      const left = deadline - Date.now()
      if (left <= 0)
        throw new Error(
          `timed out with ${this.replies.length}/${count} replies: ${JSON.stringify(this.replies)}`
        )
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
    return this.replies
  }

  async waitForClose(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('connection did not close')
      await new Promise((r) => setTimeout(r, 10))
    }
  }

  private wake(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }

  close(): void {
    this.socket.destroy()
  }
}

/** Connects, sends one report, and answers the console's reply to it. */
export async function reportOnce(
  port: number,
  report: Record<string, unknown>
): Promise<Record<string, unknown>> {
  const device = await LineClient.connect(port)
  try {
    device.send(report)
    return (await device.waitForReplies(1))[0]!
  } finally {
    device.close()
  }
}
