import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'

export const CLI = join(__dirname, '../../out/main/cli.js')

export interface ServeProcess {
  proc: ChildProcess
  ingestPort: number
  webPort: number
  url: string
  stdout: () => string
  stderr: () => string
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>
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

/** Starts `lookout serve` on 127.0.0.1 with free ports and waits for its address lines. */
export async function startServe(
  dataDir: string,
  extra: string[] = [],
  env: NodeJS.ProcessEnv = {}
): Promise<ServeProcess> {
  const proc = spawn(
    process.execPath,
    [
      CLI,
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
      'warn',
      ...extra
    ],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }
  )
  let out = ''
  let err = ''
  proc.stdout!.setEncoding('utf8').on('data', (t: string) => (out += t))
  proc.stderr!.setEncoding('utf8').on('data', (t: string) => (err += t))
  const exited = new Promise<number | string>((resolve) =>
    proc.on('exit', (code, signal) => resolve(code ?? signal ?? -1))
  )
  const deadline = Date.now() + 15_000
  while (!/^open: .*$/m.test(out)) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill('SIGKILL')
      throw new Error(`serve did not start: ${out}\n${err}`)
    }
    await new Promise((r) => setTimeout(r, 20))
  }
  return {
    proc,
    ingestPort: Number(/^ingest: .*:(\d+)$/m.exec(out)![1]),
    webPort: Number(/^web: http:\/\/.*:(\d+)$/m.exec(out)![1]),
    url: /^open: (.*)$/m.exec(out)![1]!,
    stdout: () => out,
    stderr: () => err,
    exited
  }
}
