import { createHash } from 'node:crypto'
import { unlink } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

import { listen } from './listen'

/** Another live console holds the data dir. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number | null
  ) {
    super(
      `the data dir ${dataDir} is in use by another Lookout${pid === null ? '' : ` (pid ${pid})`}; stop it, or choose another --data-dir`
    )
  }
}

export interface DataDirLock {
  release(): Promise<void>
}

/**
 * Makes sure one console at a time writes a data dir (the desktop app and `lookout serve` share
 * the same default one). The lock is a local socket the holder listens on, not a pid file: the
 * kernel frees it when the holder dies, even by kill -9 or a power cut, so a stale lock can never
 * keep the console from starting after a reboot. Asked, the holder answers with its pid.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const path = lockPath(dataDir)
  const server = createServer((socket) => socket.end(`${process.pid}\n`))
  try {
    await listen(server, path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
    const holder = await askHolder(path)
    if (holder !== undefined) throw new DataDirInUseError(dataDir, holder)
    // Nobody answers: the socket file of a console that died. Take it over.
    if (process.platform !== 'win32') await unlink(path).catch(() => undefined)
    await listen(server, path)
  }
  server.unref()
  return {
    release: () => new Promise((done) => server.close(() => done()))
  }
}

function lockPath(dataDir: string): string {
  // Hashed into a short name: socket paths are limited to about 100 bytes.
  const id = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 20)
  return process.platform === 'win32'
    ? `\\\\.\\pipe\\lookout-${id}`
    : join(tmpdir(), `lookout-${id}.lock`)
}

/** The pid of the live holder (null if it answered without one), or undefined when none is alive. */
function askHolder(path: string): Promise<number | null | undefined> {
  return new Promise((done) => {
    let answer = ''
    const socket = connect(path)
    socket.setEncoding('utf8')
    socket.setTimeout(2000, () => {
      socket.destroy()
      done(null) // alive but silent: still a holder
    })
    socket.on('data', (text: string) => (answer += text))
    socket.on('end', () => {
      const pid = Number.parseInt(answer, 10)
      done(Number.isFinite(pid) ? pid : null)
    })
    socket.on('error', () => done(undefined))
  })
}
