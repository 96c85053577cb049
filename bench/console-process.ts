import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'

import type { DiagnosticsBody } from '../src/shared/api-types'
import { serveArgs } from '../test/support/cli-process'
import { withTimeout } from './load-fleet'

const CLI = join(__dirname, '..', 'out', 'main', 'cli.js')

export interface ConsoleProcessOptions {
  dataDir: string
  /** The built CLI to run; this checkout's `out/main/cli.js` unless another build is compared. */
  cli?: string
  /** Extra options for node itself, e.g. `--cpu-prof`. */
  nodeArgs?: string[]
  /** Extra options for `lookout serve`. */
  serveArgs?: string[]
  startTimeoutMs?: number
}

export interface MemoryStatus {
  /** Resident set size now, bytes. */
  rss: number
  /** Peak resident set size so far (VmHWM), bytes. */
  peakRss: number
}

export interface StopResult {
  ms: number
  /** True when SIGTERM was not enough and the process had to be killed. */
  killed: boolean
  code: number | null
}

/** CPU time process `pid` has used so far (user + system), ms, from /proc; null once it is gone. */
export function processCpuMs(pid: number): number | null {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return null
  }
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  return (ticks * 1000) / 100 // USER_HZ is 100 on Linux
}

/** Consoles still running, so an interrupted benchmark does not leave one behind. */
const running = new Set<ChildProcess>()

export function killRunningConsoles(): void {
  for (const child of running) child.kill('SIGKILL')
}

/**
 * The console under test: `node out/main/cli.js serve` on 127.0.0.1 with ports chosen by the OS,
 * started as a child process so its memory and start-up are its own. Its warnings and errors are
 * passed through to our stderr.
 */
export class ConsoleProcess {
  private exited: Promise<{ code: number | null }>

  private constructor(
    private readonly child: ChildProcess,
    readonly ingest: { host: string; port: number },
    readonly webUrl: string,
    readonly accessKey: string,
    /** From spawn to the `ingest:` line on stdout, ms. */
    readonly startupMs: number,
    /** The MQTT broker's address, when started with `--mqtt-port`. */
    readonly mqtt?: { host: string; port: number }
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode })
      else child.once('exit', (code) => resolve({ code }))
    })
  }

  static async start(options: ConsoleProcessOptions): Promise<ConsoleProcess> {
    const args = [
      ...(options.nodeArgs ?? []),
      options.cli ?? CLI,
      ...serveArgs(options.dataDir),
      ...(options.serveArgs ?? [])
    ]
    const spawnedAt = performance.now()
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    running.add(child)
    child.once('exit', () => running.delete(child))
    createInterface({ input: child.stderr! }).on('line', (line) =>
      process.stderr.write(`[console] ${line}\n`)
    )
    const lines = createInterface({ input: child.stdout! })
    let mqtt: string | undefined
    const started = new Promise<{ ingest: string; web: string; startupMs: number }>(
      (resolve, reject) => {
        let ingest: { text: string; ms: number } | undefined
        lines.on('line', (line) => {
          if (line.startsWith('ingest: mqtt://')) mqtt = line.slice('ingest: mqtt://'.length)
          else if (line.startsWith('ingest: ')) {
            ingest = { text: line.slice('ingest: '.length), ms: performance.now() - spawnedAt }
          } else if (line.startsWith('web: ') && ingest !== undefined) {
            resolve({ ingest: ingest.text, web: line.slice('web: '.length), startupMs: ingest.ms })
          }
        })
        child.once('exit', (code, signal) =>
          reject(new Error(`the console exited before it started (${signal ?? code})`))
        )
        child.once('error', reject)
      }
    )
    try {
      const { ingest, web, startupMs } = await withTimeout(
        started,
        options.startTimeoutMs ?? 120_000,
        'the console did not start'
      )
      const accessKey = (await readFile(join(options.dataDir, 'access.key'), 'utf8')).trim()
      return new ConsoleProcess(
        child,
        hostAndPort(ingest),
        web,
        accessKey,
        startupMs,
        mqtt === undefined ? undefined : hostAndPort(mqtt)
      )
    } catch (error) {
      child.kill('SIGKILL')
      throw error
    }
  }

  get pid(): number {
    return this.child.pid!
  }

  /** RSS and peak RSS from /proc; null once the process is gone. */
  memory(): MemoryStatus | null {
    let status: string
    try {
      status = readFileSync(`/proc/${this.pid}/status`, 'utf8')
    } catch {
      return null
    }
    const kb = (field: string): number =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
    return { rss: kb('VmRSS') * 1024, peakRss: kb('VmHWM') * 1024 }
  }

  /** CPU time the console has used so far (user + system), ms; null once it is gone. */
  cpuMs(): number | null {
    return processCpuMs(this.pid)
  }

  /**
   * GETs an API path with the access key; returns the parsed body and the time it took. Each
   * request has a connection of its own: a pooled keep-alive connection can be closed by the
   * server just as it is reused (ECONNRESET), which is a client race, not what we measure.
   */
  get<T>(path: string, timeoutMs = 60_000): Promise<{ body: T; ms: number }> {
    return this.request<T>('GET', path, undefined, timeoutMs)
  }

  /** PUTs a JSON body to an API path with the access key, as get() does its GET. */
  put<T>(path: string, body: unknown, timeoutMs = 60_000): Promise<{ body: T; ms: number }> {
    return this.request<T>('PUT', path, JSON.stringify(body), timeoutMs)
  }

  private request<T>(
    method: 'GET' | 'PUT',
    path: string,
    json: string | undefined,
    timeoutMs: number
  ): Promise<{ body: T; ms: number }> {
    const started = performance.now()
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        this.webUrl + path,
        {
          method,
          agent: false,
          headers: {
            authorization: `Bearer ${this.accessKey}`,
            ...(json === undefined ? {} : { 'content-type': 'application/json' })
          },
          timeout: timeoutMs
        },
        (response) => {
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          response.on('error', reject)
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8')
            if (response.statusCode !== 200) {
              reject(new Error(`${method} ${path}: ${response.statusCode} ${text}`))
              return
            }
            try {
              resolve({ body: JSON.parse(text) as T, ms: performance.now() - started })
            } catch (error) {
              reject(error as Error)
            }
          })
        }
      )
      request.on('timeout', () =>
        request.destroy(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`))
      )
      request.on('error', reject)
      request.end(json)
    })
  }

  /**
   * Waits (up to 30 s) until the console is idle again — its live pacing no longer under load —
   * after the runs before, so a steady run is measured from a steady start. Resolves the wait, ms.
   */
  async settle(): Promise<number> {
    const startedAt = performance.now()
    while (performance.now() - startedAt < 30_000) {
      const { body } = await this.get<DiagnosticsBody>('/api/diagnostics')
      if (!body.live.underLoad && body.live.load < 0.3) break
      await sleep(500)
    }
    return performance.now() - startedAt
  }

  /** SIGTERM, then waits for the exit (the console flushes its store first); SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 60_000): Promise<StopResult> {
    const started = performance.now()
    this.child.kill('SIGTERM')
    let killed = false
    const timer = setTimeout(() => {
      killed = true
      this.child.kill('SIGKILL')
    }, timeoutMs)
    const { code } = await this.exited
    clearTimeout(timer)
    return { ms: performance.now() - started, killed, code }
  }
}

function hostAndPort(text: string): { host: string; port: number } {
  const colon = text.lastIndexOf(':')
  return { host: text.slice(0, colon), port: Number(text.slice(colon + 1)) }
}
