import { Socket } from 'node:net'

import { ModbusTCPClient } from 'jsmodbus'

import type {
  ModbusSourceConfig,
  SourceDriverEvents,
  SourceReading
} from '../../../../shared/source-types'
import type { ModbusDriverFactory, SourceDriver, SourceDriverOptions } from '../source-driver'
import { decodeRead, planReads, readText, type ModbusRead } from './modbus-registers'

export interface ModbusTuning {
  /** How long one read may take before the connection counts as lost; 3 s by default. */
  requestTimeoutMs?: number
  /** How long connecting may take; 5 s by default. */
  connectTimeoutMs?: number
}

const DEFAULT_PORT = 502
const DEFAULT_INTERVAL_MS = 1000

/** A failure of jsmodbus (`{ err, message }`, not an Error) or of the socket, in words. */
function failureText(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'object' && error !== null) {
    const { err, message } = error as { err?: unknown; message?: unknown }
    if (typeof message === 'string') return typeof err === 'string' ? `${err}: ${message}` : message
  }
  return String(error)
}

/**
 * A Modbus TCP poller: connects (one socket, jsmodbus's client over it), reads every configured
 * register each `intervalMs` in as few requests as Modbus allows (planReads), and hands each
 * poll to the source as one reading. Any failure — refused, closed, a read timed out or answered
 * with an exception — is `error` with the reason, and the driver is done: the source starts a
 * fresh one after its backoff, which is the reconnect.
 */
class ModbusDriver implements SourceDriver {
  private socket: Socket | null = null
  private timer: NodeJS.Timeout | null = null
  private done = false
  /** The socket's own error (ECONNREFUSED …), said when it closes. */
  private socketError: string | null = null
  private readonly reads: ModbusRead[]
  private readonly port: number
  private readonly intervalMs: number
  private readonly requestTimeoutMs: number
  private readonly connectTimeoutMs: number

  constructor(
    private readonly config: ModbusSourceConfig,
    private readonly events: SourceDriverEvents,
    private readonly options: SourceDriverOptions,
    tuning: ModbusTuning
  ) {
    this.reads = planReads(config.registers)
    this.port = config.port ?? DEFAULT_PORT
    this.intervalMs = config.intervalMs ?? DEFAULT_INTERVAL_MS
    this.requestTimeoutMs = tuning.requestTimeoutMs ?? 3000
    this.connectTimeoutMs = tuning.connectTimeoutMs ?? 5000
  }

  start(): void {
    const where = `${this.config.host}:${this.port}`
    const socket = new Socket()
    this.socket = socket
    const client = new ModbusTCPClient(socket, this.config.unitId ?? 1, this.requestTimeoutMs)
    this.events.state('connecting')
    this.timer = setTimeout(
      () => this.fail(`connect to ${where} timed out after ${this.connectTimeoutMs} ms`),
      this.connectTimeoutMs
    )
    socket.setNoDelay(true)
    socket.on('error', (error) => {
      this.socketError = error.message
    })
    socket.on('close', () =>
      this.fail(this.socketError ?? `the device at ${where} closed the connection`)
    )
    socket.once('connect', () => {
      if (this.done) return
      this.clearTimer()
      this.options.logger.debug({ where }, 'modbus connected')
      this.events.state('connected')
      void this.poll(client)
    })
    socket.connect({ host: this.config.host, port: this.port })
  }

  /** One poll: every read in turn (one connection answers one request at a time), then the next. */
  private async poll(client: ModbusTCPClient): Promise<void> {
    if (this.done) return
    const startedAt = performance.now()
    const readAt = this.options.now()
    const reading: SourceReading = {}
    for (const read of this.reads) {
      try {
        decodeRead(read, await this.request(client, read), reading)
      } catch (error) {
        const timedOut = (error as { err?: unknown } | null)?.err === 'Timeout'
        this.fail(
          `${readText(read)}: ${timedOut ? `no answer within ${this.requestTimeoutMs} ms` : failureText(error)}`
        )
        return
      }
      if (this.done) return
    }
    if (Object.keys(reading).length > 0) this.events.reading(reading, readAt)
    // Paced from the poll's start, so a slow device does not stretch the interval.
    const wait = Math.max(0, startedAt + this.intervalMs - performance.now())
    this.timer = setTimeout(() => {
      this.timer = null
      void this.poll(client)
    }, wait)
  }

  private async request(
    client: ModbusTCPClient,
    read: ModbusRead
  ): Promise<{ words?: Buffer; bits?: ArrayLike<boolean | number> }> {
    switch (read.kind) {
      case 'holding':
        return {
          words: (await client.readHoldingRegisters(read.start, read.count)).response.body
            .valuesAsBuffer
        }
      case 'input':
        return {
          words: (await client.readInputRegisters(read.start, read.count)).response.body
            .valuesAsBuffer
        }
      case 'coil':
        return {
          bits: (await client.readCoils(read.start, read.count)).response.body.valuesAsArray
        }
      case 'discrete':
        return {
          bits: (await client.readDiscreteInputs(read.start, read.count)).response.body
            .valuesAsArray
        }
    }
  }

  /** The first failure ends this driver: said once, the socket closed. */
  private fail(reason: string): void {
    if (this.done) return
    this.done = true
    this.clearTimer()
    this.socket?.destroy()
    this.events.state('error', reason)
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  async stop(): Promise<void> {
    this.done = true
    this.clearTimer()
    const socket = this.socket
    this.socket = null
    if (socket === null || socket.destroyed) return
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve())
      socket.destroy()
    })
  }
}

/** The factory of Modbus drivers, tuned (specs shorten the timeouts). */
export function modbusDriverFactory(tuning: ModbusTuning = {}): ModbusDriverFactory {
  return (config, events, options) => new ModbusDriver(config, events, options, tuning)
}

export const createModbusDriver: ModbusDriverFactory = modbusDriverFactory()
