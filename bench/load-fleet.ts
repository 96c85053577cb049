import { fork, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'

import type { FromLoadClient, LoadPlan, LoadResult, ToLoadClient } from './load-protocol'
import { mergeLoadResults } from './load-result'

const LOAD_CLIENT = join(__dirname, 'load-client.ts')

export interface FleetOptions {
  processes: number
  /** Plan of the first process; process i gets devices from `firstDevice + i * connections`. */
  plan: LoadPlan
}

export interface FleetResult extends LoadResult {
  /** Epoch ms at which `go` was sent. */
  goAt: number
  /** From `go` to every process done, ms, as the orchestrator saw it. */
  wallMs: number
}

interface Member {
  child: ChildProcess
  progress: { sent: number; acked: number }
  ready: Promise<void>
  done: Promise<LoadResult>
}

/**
 * The load processes of one benchmark run: forks them, waits until every connection is open,
 * starts them together with `go` and sums what they report. A process that fails fails the run.
 */
export class LoadFleet {
  private readonly members: Member[] = []

  private constructor() {}

  static async start(options: FleetOptions): Promise<LoadFleet> {
    const fleet = new LoadFleet()
    const { plan } = options
    for (let i = 0; i < options.processes; i++) {
      fleet.members.push(
        fleet.spawn({ ...plan, firstDevice: plan.firstDevice + i * plan.connections })
      )
    }
    try {
      await withTimeout(
        Promise.all(fleet.members.map((m) => m.ready)),
        30_000,
        'load processes did not connect'
      )
    } catch (error) {
      fleet.abort()
      throw error
    }
    return fleet
  }

  private spawn(plan: LoadPlan): Member {
    const child = fork(LOAD_CLIENT, [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' })
    const ready = deferred<void>()
    const done = deferred<LoadResult>()
    const member: Member = {
      child,
      progress: { sent: 0, acked: 0 },
      ready: ready.promise,
      done: done.promise
    }
    const fail = (error: Error): void => {
      ready.reject(error)
      done.reject(error) // no effect once it has reported
    }
    child.on('message', (message: FromLoadClient) => {
      if (message.type === 'ready') ready.resolve()
      else if (message.type === 'done') done.resolve(message.result)
      else if (message.type === 'failed') fail(new Error(`load process: ${message.message}`))
      else member.progress = { sent: message.sent, acked: message.acked }
    })
    child.on('exit', (code, signal) => fail(new Error(`load process exited (${signal ?? code})`)))
    child.send({ type: 'plan', plan } satisfies ToLoadClient)
    return member
  }

  /** What the processes have sent and had acked so far, as of their last report (every 250 ms). */
  totals(): { sent: number; acked: number } {
    let sent = 0
    let acked = 0
    for (const m of this.members) {
      sent += m.progress.sent
      acked += m.progress.acked
    }
    return { sent, acked }
  }

  /** Starts every process at once and resolves with the summed result when all are done. */
  async run(): Promise<FleetResult> {
    const goAt = Date.now()
    const started = performance.now()
    for (const m of this.members) m.child.send({ type: 'go' } satisfies ToLoadClient)
    try {
      const result = mergeLoadResults(await Promise.all(this.members.map((m) => m.done)))
      return { ...result, goAt, wallMs: performance.now() - started }
    } catch (error) {
      this.abort()
      throw error
    }
  }

  /** Ends every process still running. */
  abort(): void {
    for (const { child } of this.members) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
  }
}

interface Deferred<T> {
  promise: Promise<T>
  resolve: (value: T) => void
  reject: (error: Error) => void
}

function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined
  let reject: (error: Error) => void = () => undefined
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  // A failure before anyone awaits must not end the orchestrator as an unhandled rejection.
  promise.catch(() => undefined)
  return { promise, resolve, reject }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
