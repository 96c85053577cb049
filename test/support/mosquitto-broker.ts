import { writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'

import { spawnCaptured, type CapturedProcess } from './cli-process'
import { freePort } from './free-port'
import { MOSQUITTO } from './mqtt'
import { tempDirs } from './temp-dir'

/** A running Debian Mosquitto broker: its port, and its output for a failing test to show. */
export interface RunningMosquitto {
  port: number
  process: CapturedProcess
}

/**
 * Debian's Mosquitto as the reference broker: each on 127.0.0.1 on a free port, anonymous, with
 * nothing persisted, its config in a temp dir; all killed and removed by `cleanup()` (call it
 * from afterEach).
 */
export function mosquittoBrokers() {
  const dirs = tempDirs()
  const running: CapturedProcess[] = []
  return {
    async start(): Promise<RunningMosquitto> {
      const dir = await dirs.make('lookout-mosquitto-')
      const port = await freePort()
      const config = join(dir, 'mosquitto.conf')
      await writeFile(
        config,
        [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', ''].join('\n')
      )
      const process = spawnCaptured(MOSQUITTO, ['-c', config])
      running.push(process)
      await acceptsConnections(port, process)
      return { port, process }
    },
    async cleanup(): Promise<void> {
      const stopping = running.splice(0)
      for (const p of stopping) p.proc.kill('SIGKILL')
      await Promise.all(stopping.map((p) => p.exited))
      await dirs.cleanup()
    }
  }
}

/**
 * Resolves once a TCP connection to `port` is accepted: Mosquitto says nothing on a pipe when
 * its listener is open, so the listener itself is asked, every 20 ms for at most 5 s.
 */
async function acceptsConnections(port: number, broker: CapturedProcess): Promise<void> {
  const deadline = Date.now() + 5000
  for (;;) {
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (accepted) return
    if (broker.proc.exitCode !== null || Date.now() > deadline)
      throw new Error(`mosquitto is not listening on ${port}:\n${broker.stderr()}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
