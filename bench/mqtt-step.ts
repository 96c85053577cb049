/**
 * `npm run bench -- --mqtt`: QoS 1 publishes acknowledged per second by Lookout's MQTT broker
 * (`lookout serve --mqtt-port`, every publish a report stored before its PUBACK) and by Debian's
 * Mosquitto (which stores nothing), under one MQTT.js load (bench/mqtt-load.ts, its own
 * process), run after run interleaved so both see the same machine. Target: Lookout ≥ 0.8× of
 * Mosquitto, read as the median of each round's ratio.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import { freePort } from '../test/support/free-port'
import { ConsoleProcess, processCpuMs } from './console-process'
import { withTimeout } from './load-fleet'

const MOSQUITTO = '/usr/sbin/mosquitto'
const TARGET_RATIO = 0.8
const WARM_UP_SECONDS = 2

export interface MqttStepOptions {
  /** A fresh data dir for the console. */
  dataDir: string
  cli?: string
  /** Options for the console's node, e.g. `--cpu-prof`. */
  nodeArgs?: string[]
  seconds: number
  rounds: number
  connections?: number
  window?: number
  payloadBytes?: number
  say: (line: string) => void
}

export interface MqttFigures {
  lookoutPerSec: number
  mosquittoPerSec: number | null
  /** The median of each round's Lookout / Mosquitto. */
  ratio: number | null
  /** Each broker's CPU per 1,000 acknowledged publishes, ms (medians). */
  lookoutCpuMs: number
  mosquittoCpuMs: number | null
}

interface LoadResult {
  acked: number
  seconds: number
  errors: number
}

/** One broker's run: the load's result and the CPU the broker used meanwhile, ms. */
interface Run extends LoadResult {
  cpuMs: number
}

export async function measureMqtt(options: MqttStepOptions): Promise<MqttFigures> {
  const { say } = options
  const connections = options.connections ?? 8
  const window = options.window ?? 100
  const payloadBytes = options.payloadBytes ?? 200
  say(
    `M. MQTT QoS 1: ${connections} MQTT.js connections × ${window} unacknowledged publishes of ` +
      `${payloadBytes} bytes, ${options.rounds} rounds of ${options.seconds} s each after a ` +
      `${WARM_UP_SECONDS} s warm-up, interleaved`
  )
  const console_ = await ConsoleProcess.start({
    dataDir: options.dataDir,
    cli: options.cli,
    nodeArgs: options.nodeArgs,
    serveArgs: ['--mqtt-port', '0']
  })
  const mosquitto = existsSync(MOSQUITTO) ? await Mosquitto.start() : null
  if (mosquitto === null)
    say(`   !! ${MOSQUITTO} not found (apt-get install mosquitto): Lookout alone, no ratio`)
  try {
    if (console_.mqtt === undefined) throw new Error('the console printed no MQTT address')
    const ours = console_.mqtt.port
    const lookout: number[] = []
    const theirs: number[] = []
    const ratios: number[] = []
    const lookoutCpu: number[] = []
    const theirCpu: number[] = []
    const load = (port: number, seconds = options.seconds): Promise<LoadResult> =>
      runLoad(port, connections, window, seconds, payloadBytes)
    // Each broker's CPU per 1,000 acknowledged, beside its rate: a cost the other work on a
    // shared machine moves much less than it moves the rates.
    const measured = async (pid: number, port: number): Promise<Run> => {
      const before = processCpuMs(pid) ?? NaN
      const result = await load(port)
      return { ...result, cpuMs: (processCpuMs(pid) ?? NaN) - before }
    }
    // Not counted: the console's code is still being compiled in its first seconds, Mosquitto's
    // is not.
    await load(ours, WARM_UP_SECONDS)
    if (mosquitto !== null) await load(mosquitto.port, WARM_UP_SECONDS)
    for (let round = 1; round <= options.rounds; round += 1) {
      // Who goes first alternates, so neither always meets the machine as the other left it.
      const lookoutFirst = round % 2 === 1
      const runMosquitto = (): Promise<Run | null> =>
        mosquitto === null ? Promise.resolve(null) : measured(mosquitto.pid, mosquitto.port)
      const earlier = lookoutFirst ? null : await runMosquitto()
      const mine = await measured(console_.pid, ours)
      const other = lookoutFirst ? await runMosquitto() : earlier
      lookout.push(mine.acked / mine.seconds)
      lookoutCpu.push(perThousand(mine))
      let line = `   round ${round}: Lookout ${rate(mine)}`
      if (other !== null) {
        theirs.push(other.acked / other.seconds)
        theirCpu.push(perThousand(other))
        ratios.push(mine.acked / mine.seconds / (other.acked / other.seconds))
        line +=
          `, Mosquitto ${rate(other)}${lookoutFirst ? '' : ' (ran first)'}, ` +
          `ratio ${ratios.at(-1)!.toFixed(2)}×`
      }
      say(line)
    }
    const lookoutPerSec = median(lookout)
    const mosquittoPerSec = theirs.length === 0 ? null : median(theirs)
    // The median of each round's ratio, not the ratio of the medians: the machine's drift falls
    // on both runs of a round.
    const ratio = ratios.length === 0 ? null : median(ratios)
    const lookoutCpuMs = median(lookoutCpu)
    const mosquittoCpuMs = theirCpu.length === 0 ? null : median(theirCpu)
    say(
      `   median: Lookout ${int(lookoutPerSec)} acked/s (${lookoutCpuMs.toFixed(1)} ms CPU per 1,000)` +
        (ratio === null
          ? ''
          : `, Mosquitto ${int(mosquittoPerSec!)} acked/s (${mosquittoCpuMs!.toFixed(1)} ms), ` +
            `ratio per round ${ratio.toFixed(2)}× ` +
            `[target ≥ ${TARGET_RATIO}×: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}]`)
    )
    return {
      lookoutPerSec: Math.round(lookoutPerSec),
      mosquittoPerSec: mosquittoPerSec === null ? null : Math.round(mosquittoPerSec),
      ratio,
      lookoutCpuMs,
      mosquittoCpuMs
    }
  } finally {
    await mosquitto?.stop()
    await console_.stop()
  }
}

function runLoad(
  port: number,
  connections: number,
  window: number,
  seconds: number,
  payloadBytes: number
): Promise<LoadResult> {
  const child = fork(
    join(__dirname, 'mqtt-load.ts'),
    [port, connections, window, seconds, payloadBytes].map(String),
    { execArgv: ['--import', 'tsx'], stdio: 'inherit' }
  )
  return withTimeout(
    new Promise<LoadResult>((resolve, reject) => {
      child.once('message', (m) => resolve(m as LoadResult))
      child.once('exit', (code) => reject(new Error(`the MQTT load exited (${code})`)))
    }),
    (seconds + 30) * 1000,
    'the MQTT load did not finish'
  ).finally(() => child.kill('SIGKILL'))
}

/** Debian's Mosquitto on a free 127.0.0.1 port, from a temporary config, no persistence. */
class Mosquitto {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly dir: string
  ) {}

  get pid(): number {
    return this.child.pid!
  }

  static async start(): Promise<Mosquitto> {
    const dir = await mkdtemp(join(tmpdir(), 'lookout-bench-mosquitto-'))
    const port = await freePort()
    const config = join(dir, 'mosquitto.conf')
    await writeFile(
      config,
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence false',
        'log_dest none',
        ''
      ].join('\n')
    )
    const child = spawn(MOSQUITTO, ['-c', config], { stdio: ['ignore', 'ignore', 'inherit'] })
    const broker = new Mosquitto(child, port, dir)
    try {
      await withTimeout(waitForPort(port), 10_000, 'mosquitto did not start listening')
    } catch (error) {
      await broker.stop()
      throw error
    }
    return broker
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve))
      this.child.kill('SIGTERM')
      await withTimeout(exited, 5000, 'mosquitto did not stop').catch(() =>
        this.child.kill('SIGKILL')
      )
    }
    await rm(this.dir, { recursive: true, force: true })
  }
}

async function waitForPort(port: number): Promise<void> {
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await sleep(50)
  }
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US')
const perThousand = (r: Run): number => (1000 * r.cpuMs) / r.acked
const rate = (r: Run): string =>
  `${int(r.acked / r.seconds)} acked/s, ${perThousand(r).toFixed(1)} ms CPU per 1,000` +
  (r.errors > 0 ? ` (${r.errors} errors)` : '')

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
