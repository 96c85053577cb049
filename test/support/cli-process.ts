import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'

export const CLI = join(__dirname, '../../out/main/cli.js')

/** A child process whose output is collected as it comes. */
export interface CapturedProcess {
  proc: ChildProcess
  stdout: () => string
  stderr: () => string
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>
  /** Resolves once stdout matches; throws with all output if the process exits or time runs out. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<void>
}

export function spawnCaptured(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  /** 'pipe' for a process that runs until its stdin closes (`proc.stdin.end()`). */
  stdin: 'ignore' | 'pipe' = 'ignore'
): CapturedProcess {
  const proc = spawn(command, args, { env, stdio: [stdin, 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  proc.stdout!.setEncoding('utf8').on('data', (t: string) => (out += t))
  proc.stderr!.setEncoding('utf8').on('data', (t: string) => (err += t))
  const exited = new Promise<number | string>((resolve) =>
    proc.on('exit', (code, signal) => resolve(code ?? signal ?? -1))
  )
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitForStdout(pattern, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs
      while (!pattern.test(out)) {
        if (proc.exitCode !== null || proc.signalCode !== null || Date.now() > deadline) {
          proc.kill('SIGKILL')
          throw new Error(`no ${pattern} in the output of ${args.join(' ')}:\n${out}\n${err}`)
        }
        await new Promise((r) => setTimeout(r, 20))
      }
    }
  }
}

/** Arguments for `lookout serve` on 127.0.0.1 with free ports and the given data dir. */
export function serveArgs(dataDir: string, logLevel = 'warn'): string[] {
  return [
    'serve',
    '--host',
    '127.0.0.1',
    '--ingest-port',
    '0',
    '--web-port',
    '0',
    '--data-dir',
    dataDir,
    '--log-level',
    logLevel
  ]
}

export interface ServeProcess extends CapturedProcess {
  ingestPort: number
  webPort: number
  url: string
}

/** Runs the built CLI to completion. */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {}
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 20_000
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

/**
 * Starts `lookout serve` and waits for its address lines: this tree's build, or `cli` (another
 * release's build, such as the one an upgrade starts from).
 */
export async function startServe(
  dataDir: string,
  extra: string[] = [],
  env: NodeJS.ProcessEnv = {},
  cli = CLI
): Promise<ServeProcess> {
  const captured = spawnCaptured(process.execPath, [cli, ...serveArgs(dataDir), ...extra], {
    ...process.env,
    ...env
  })
  await captured.waitForStdout(/^open: .*$/m)
  const out = captured.stdout()
  return {
    ...captured,
    ingestPort: Number(/^ingest: .*:(\d+)$/m.exec(out)![1]),
    webPort: Number(/^web: http:\/\/.*:(\d+)$/m.exec(out)![1]),
    url: /^open: (.*)$/m.exec(out)![1]!
  }
}

/** Requests an API path of a console run by the CLI, with `key` or the access key of its `open:` URL. */
export async function serveRequest(
  s: ServeProcess,
  path: string,
  init: { method?: string; body?: unknown; key?: string } = {}
): Promise<{ status: number; body: any }> {
  const key = init.key ?? new URL(s.url).searchParams.get('key')!
  const res = await fetch(`http://127.0.0.1:${s.webPort}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body)
  })
  return { status: res.status, body: await res.json() }
}

/** GETs an API path of a console run by the CLI, with the access key from its `open:` URL. */
export async function serveApi(s: ServeProcess, path: string): Promise<any> {
  const key = new URL(s.url).searchParams.get('key')!
  const res = await fetch(`http://127.0.0.1:${s.webPort}${path}`, {
    headers: { authorization: `Bearer ${key}` }
  })
  return res.json()
}
