import { connect, type Socket } from 'node:net'
import { createInterface } from 'node:readline'

import type { IngestReply } from '../../../shared/ingest-protocol'
import { DeviceModel } from './device-model'

export interface SimulatedDeviceOptions {
  host: string
  port: number
  id: string
  /** Reports per second. */
  rate: number
  token?: string
  /** Chance per tick of a burst of 5–20 reports at once, as a real device flushing a backlog. */
  burstChance?: number
  random?: () => number
}

export interface DeviceCounters {
  sent: number
  acked: number
  rejected: number
  reconnects: number
}

/**
 * One device on its own TCP connection, speaking the protocol the way the reporter libraries
 * do: seq starts at the clock in microseconds and counts up, every report is kept until its ack,
 * and unacked reports are re-sent after a reconnect (the console drops the duplicates).
 */
export class SimulatedDevice {
  readonly counters: DeviceCounters = { sent: 0, acked: 0, rejected: 0, reconnects: 0 }
  private readonly unacked = new Map<number, string>()
  private seq = Date.now() * 1000
  private socket: Socket | null = null
  private timer: NodeJS.Timeout | null = null
  private retryDelay = 250
  private stopped = false
  private readonly model: DeviceModel
  private readonly random: () => number

  constructor(private readonly options: SimulatedDeviceOptions) {
    this.random = options.random ?? Math.random
    this.model = new DeviceModel(this.random)
  }

  start(): void {
    this.connect()
    this.timer = setInterval(() => this.tick(), 1000 / this.options.rate)
  }

  private connect(): void {
    const socket = connect({ host: this.options.host, port: this.options.port })
    this.socket = socket
    socket.setNoDelay(true)
    socket.on('connect', () => {
      this.retryDelay = 250
      for (const line of this.unacked.values()) socket.write(line)
    })
    createInterface({ input: socket }).on('line', (line) => this.onReply(line))
    socket.on('error', () => undefined) // 'close' follows and handles the retry
    socket.on('close', () => {
      this.socket = null
      if (this.stopped) return
      this.counters.reconnects += 1
      setTimeout(() => this.connect(), this.retryDelay).unref()
      this.retryDelay = Math.min(this.retryDelay * 2, 5000)
    })
  }

  private onReply(line: string): void {
    let reply: IngestReply
    try {
      reply = JSON.parse(line) as IngestReply
    } catch {
      return
    }
    if ('ack' in reply) {
      if (this.unacked.delete(reply.ack)) this.counters.acked += 1
    } else {
      this.counters.rejected += 1
      // A rejected report is not retried: sending it again would be rejected again.
      if (reply.seq !== undefined) this.unacked.delete(reply.seq)
    }
  }

  private tick(): void {
    const burst =
      this.random() < (this.options.burstChance ?? 0.02) ? 5 + Math.floor(this.random() * 16) : 1
    for (let i = 0; i < burst; i++) this.send()
  }

  private send(): void {
    const seq = this.seq++
    const report: Record<string, unknown> = {
      device: this.options.id,
      seq,
      ts: Date.now(),
      ...this.model.next()
    }
    if (this.options.token !== undefined) report.auth = this.options.token
    const line = JSON.stringify(report) + '\n'
    this.unacked.set(seq, line)
    this.counters.sent += 1
    if (this.socket !== null && !this.socket.connecting && this.socket.writable)
      this.socket.write(line)
  }

  get pending(): number {
    return this.unacked.size
  }

  /** Stops reporting; waits up to `graceMs` for outstanding acks, then closes. */
  async stop(graceMs: number): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer)
    const deadline = Date.now() + graceMs
    while (this.unacked.size > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20))
    this.stopped = true
    this.socket?.end()
  }
}
