/**
 * A load process of the benchmark: forked by bench/run.ts, it opens `plan.connections` TCP
 * connections to the console's ingest port, waits for `go`, then sends reports as fast as the
 * plan allows and reports its counts back over IPC. Runs in its own process so the load does not
 * compete with the orchestrator's event loop; it exits by itself when done, when its parent goes
 * away, or after `plan.maxMs`.
 */
import { connect, type Socket } from 'node:net'

import type { FromLoadClient, LoadPlan, LoadResult, ToLoadClient } from './load-protocol'
import { mergeLoadResults } from './load-result'

/** Reports per socket write: big enough to keep syscalls rare, small enough to keep acks flowing. */
const LINES_PER_WRITE = 256
const ACK_PREFIX = '{"ack":'

/**
 * One connection, reporting as one device or taking turns among several, report by report. In
 * acked mode it keeps up to `plan.window` reports unanswered and tops the window up as acks
 * arrive; in fire mode it writes until the socket pushes back, then waits for `drain`.
 */
class LoadConnection {
  private sent = 0
  private replies = 0
  private acked = 0
  private ackedInWindow = 0
  private errors = 0
  private firstError: string | undefined
  private firstAckAt: number | undefined
  // Unique per device across runs: the console drops a (device, seq) it has stored before.
  private seq = Date.now() * 1000
  private startedAt = 0
  private deadline = Infinity
  private sendingMs = -1
  private waitingForDrain = false
  private replyTail = ''
  private settleTimer: NodeJS.Timeout | undefined
  private deadlineTimer: NodeJS.Timeout | undefined
  private finished: ((result: LoadResult) => void) | null = null
  private failure: string | undefined
  private readonly pad: string
  /** The connection's name in failures: its device, or its first and last. */
  private readonly device: string

  constructor(
    private readonly socket: Socket,
    private readonly devices: readonly string[],
    private readonly plan: LoadPlan
  ) {
    this.pad = 'x'.repeat(plan.reportBytes)
    const device = devices.length === 1 ? devices[0]! : `${devices[0]}…${devices.at(-1)}`
    this.device = device
    socket.setEncoding('latin1')
    socket.on('data', (text: string) => this.onReplies(text))
    socket.on('drain', () => {
      this.waitingForDrain = false
      this.pump()
    })
    socket.on('error', (error) => {
      this.failure ??= `${device}: ${error.message}`
    })
    socket.on('close', () => {
      if (this.sendingMs < 0) this.failure ??= `${device}: closed by the console while sending`
      this.finish()
    })
  }

  get progress(): { sent: number; acked: number } {
    return { sent: this.sent, acked: this.acked }
  }

  run(startedAt: number): Promise<LoadResult> {
    this.startedAt = startedAt
    if (this.plan.durationMs > 0) this.deadline = startedAt + this.plan.durationMs
    return new Promise((resolve) => {
      this.finished = resolve
      // A socket waiting for `drain` does not look at the clock: the timer stops it on time.
      if (this.plan.durationMs > 0) {
        this.deadlineTimer = setTimeout(() => this.stopSending(), this.plan.durationMs)
      }
      this.pump()
    })
  }

  private pump(): void {
    const { plan } = this
    while (this.sendingMs < 0 && !this.waitingForDrain) {
      if (performance.now() >= this.deadline || this.sent >= plan.reportsPerConnection) {
        this.stopSending()
        return
      }
      let room = plan.reportsPerConnection - this.sent
      if (plan.mode === 'acked') {
        const free = plan.window - (this.sent - this.replies)
        // Wait for a useful amount of room rather than writing a few lines per ack batch.
        if (free < Math.min(room, LINES_PER_WRITE / 4)) return
        room = Math.min(room, free)
      }
      const lines = this.lines(Math.min(room, LINES_PER_WRITE))
      if (!this.socket.write(lines)) this.waitingForDrain = true
      if (plan.mode === 'fire' && !this.waitingForDrain) {
        // Without acks nothing else wakes us: yield to I/O, then go on.
        setImmediate(() => this.pump())
        return
      }
    }
  }

  private lines(count: number): string {
    const withSeq = this.plan.mode === 'acked'
    const ts = Date.now()
    let text = ''
    for (let i = 0; i < count; i++) {
      const n = this.sent + i
      const seq = withSeq ? `"seq":${this.seq++},` : ''
      const head =
        `{"device":"${this.devices[n % this.devices.length]}",${seq}"ts":${ts},"temperature":${40 + (n % 400) / 10},` +
        `"pressure":1.013,"rpm":${1200 + (n % 600)},"status":"ok","note":"`
      text +=
        head + this.pad.slice(0, Math.max(0, this.plan.reportBytes - head.length - 2)) + '"}\n'
    }
    this.sent += count
    return text
  }

  private onReplies(text: string): void {
    const parts = (this.replyTail + text).split('\n')
    this.replyTail = parts.pop() ?? ''
    const inWindow = performance.now() <= this.deadline
    for (const line of parts) {
      if (line.length === 0) continue
      this.replies += 1
      if (line.startsWith(ACK_PREFIX)) {
        this.acked += 1
        if (inWindow) this.ackedInWindow += 1
      } else {
        this.errors += 1
        this.firstError ??= line
      }
    }
    this.firstAckAt ??= this.acked > 0 ? Date.now() : undefined
    if (this.sendingMs >= 0) {
      if (this.replies >= this.sent) this.finish()
    } else {
      this.pump()
    }
  }

  private stopSending(): void {
    if (this.sendingMs >= 0) return
    this.sendingMs = performance.now() - this.startedAt
    clearTimeout(this.deadlineTimer)
    this.settleTimer = setTimeout(() => {
      this.failure ??=
        this.plan.mode === 'fire'
          ? `${this.device}: reports still unwritten after ${this.plan.settleMs} ms`
          : `${this.device}: ${this.sent - this.replies} replies missing after ${this.plan.settleMs} ms`
      this.finish()
    }, this.plan.settleMs)
    if (this.plan.mode === 'fire') {
      // Done once every line is handed to the kernel, which delivers it even after close.
      this.socket.end(() => this.finish())
    } else if (this.replies >= this.sent) {
      this.finish()
    }
  }

  private finish(): void {
    const resolve = this.finished
    if (resolve === null) return
    this.finished = null
    clearTimeout(this.settleTimer)
    clearTimeout(this.deadlineTimer)
    if (this.sendingMs < 0) this.sendingMs = performance.now() - this.startedAt
    const finishedMs = performance.now() - this.startedAt
    // End our side and let the console close; destroy a socket that lingers.
    this.socket.end()
    setTimeout(() => this.socket.destroy(), 2000).unref()
    resolve({
      sent: this.sent,
      acked: this.acked,
      ackedInWindow: this.ackedInWindow,
      errors: this.errors,
      firstError: this.firstError,
      firstAckAt: this.firstAckAt,
      sendingMs: this.sendingMs,
      finishedMs,
      failures: this.failure === undefined ? [] : [this.failure]
    })
  }
}

function openSocket(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port })
    socket.setNoDelay(true)
    socket.once('connect', () => {
      socket.off('error', reject)
      resolve(socket)
    })
    socket.once('error', reject)
  })
}

function send(message: FromLoadClient): Promise<void> {
  return new Promise((resolve) => process.send?.(message, undefined, {}, () => resolve()))
}

async function runPlan(plan: LoadPlan, go: Promise<void>): Promise<LoadResult> {
  const sockets = await Promise.all(
    Array.from({ length: plan.connections }, () => openSocket(plan.host, plan.port))
  )
  const perConnection = Math.max(1, plan.devicesPerConnection ?? 1)
  const connections = sockets.map((socket, i) => {
    const first = (plan.firstDevice + i) * perConnection
    const devices = Array.from(
      { length: perConnection },
      (_, k) => `${plan.devicePrefix}${first + k}`
    )
    return new LoadConnection(socket, devices, plan)
  })
  await send({ type: 'ready' })
  await go
  const startedAt = performance.now()
  const progress = setInterval(() => {
    let sent = 0
    let acked = 0
    for (const c of connections) {
      sent += c.progress.sent
      acked += c.progress.acked
    }
    void send({ type: 'progress', sent, acked })
  }, 250)
  const results = await Promise.all(connections.map((c) => c.run(startedAt)))
  clearInterval(progress)
  return mergeLoadResults(results)
}

function main(): void {
  if (process.send === undefined) {
    process.stderr.write(
      'bench/load-client.ts is started by bench/run.ts (it needs an IPC channel)\n'
    )
    process.exit(2)
  }
  let reported = false
  // The parent gone (crashed or interrupted) means nobody wants the numbers: stop at once.
  process.on('disconnect', () => {
    if (!reported) process.exit(0)
  })
  let startGo: () => void = () => undefined
  const go = new Promise<void>((resolve) => (startGo = resolve))
  process.on('message', (message: ToLoadClient) => {
    if (message.type === 'go') startGo()
    else {
      setTimeout(() => {
        void send({ type: 'failed', message: `gave up after ${message.plan.maxMs} ms` }).then(() =>
          process.exit(1)
        )
      }, message.plan.maxMs).unref()
      // Disconnect once the last message is out, so the process can end by itself.
      runPlan(message.plan, go)
        .then(
          (result) => send({ type: 'done', result }),
          (error: unknown) =>
            send({ type: 'failed', message: (error as Error).message ?? String(error) })
        )
        .then(() => {
          reported = true
          process.disconnect()
        })
    }
  })
}

main()
