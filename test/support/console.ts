import { io, type Socket } from 'socket.io-client'

import { resolveConfig, type ConsoleConfigInput } from '../../src/main/core/config'
import {
  LookoutConsole,
  type ConsoleAddresses,
  type ConsoleDeps
} from '../../src/main/core/console'
import type {
  LiveClientToServerEvents,
  LiveServerToClientEvents
} from '../../src/shared/live-events'
import type {
  PushClientToServerEvents,
  PushServerToClientEvents
} from '../../src/shared/push-events'
import { tempDirs } from './temp-dir'

export const ACCESS_KEY = 'operator-key-for-tests-0123'
export const VIEW_KEY = 'viewer-key-for-tests-0123'

export interface RunningConsole {
  core: LookoutConsole
  addresses: ConsoleAddresses
  dataDir: string
  base: string
  stop(): Promise<void>
}

/**
 * A whole console core in this process on 127.0.0.1 with free ports, fixed keys and a fixed host.
 * Its live pacing reads no load unless a spec gives one (`deps.live.load`): a busy test worker
 * must not make a console shed live reports in a spec that is not about load.
 */
export async function startConsole(
  dataDir: string,
  config: ConsoleConfigInput = {},
  deps: ConsoleDeps = {}
): Promise<RunningConsole> {
  const core = new LookoutConsole(
    resolveConfig({
      host: '127.0.0.1',
      ingestPort: 0,
      webPort: 0,
      dataDir,
      accessKey: ACCESS_KEY,
      viewKey: VIEW_KEY,
      ...config
    }),
    {
      metrics: async () => ({ cpus: [12.5, 40], cpu: 26.3, mem: { used: 1_000, total: 4_000 } }),
      ...deps,
      live: { load: () => 0, ...deps.live }
    }
  )
  const addresses = await core.start()
  return {
    core,
    addresses,
    dataDir,
    base: `http://127.0.0.1:${addresses.web.port}`,
    stop: () => core.stop()
  }
}

export type LiveClient = Socket<LiveServerToClientEvents, LiveClientToServerEvents>
export type PushClient = Socket<PushServerToClientEvents, PushClientToServerEvents>

export function liveClient(c: RunningConsole, key: string | undefined): LiveClient {
  return io(`${c.base}/live`, {
    auth: key === undefined ? {} : { key },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true
  })
}

export function pushClient(c: RunningConsole, auth: Record<string, string> = {}): PushClient {
  return io(`${c.base}/push`, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true
  })
}

/** Resolves with the first event's payload; rejects after `timeoutMs`. */
export function nextEvent<T>(
  socket: { once(event: string, listener: (payload: T) => void): unknown },
  event: string,
  timeoutMs = 5000
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${event} within ${timeoutMs} ms`)),
      timeoutMs
    )
    socket.once(event, (payload: T) => {
      clearTimeout(timer)
      resolve(payload)
    })
  })
}

/** Polls `check` until it returns true; throws with `what` after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

export async function api(
  c: RunningConsole,
  path: string,
  init: RequestInit & { key?: string } = {}
): Promise<{ status: number; body: any }> {
  const { key = ACCESS_KEY, ...rest } = init
  const res = await fetch(c.base + path, {
    ...rest,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...rest.headers }
  })
  return { status: res.status, body: await res.json() }
}

/**
 * Consoles for one spec file, each with a temp data dir, all stopped and removed by `cleanup()`
 * (call it from afterEach). `dataDir` starts one on an existing data dir (a restart).
 */
export function consoleFixture() {
  const dirs = tempDirs()
  const running: RunningConsole[] = []
  return {
    dirs,
    async start(
      config: ConsoleConfigInput = {},
      deps: ConsoleDeps = {},
      dataDir?: string
    ): Promise<RunningConsole> {
      const c = await startConsole(dataDir ?? (await dirs.make()), config, deps)
      running.push(c)
      return c
    },
    /** Stops one console now (a restart), leaving its data dir. */
    async stop(c: RunningConsole): Promise<void> {
      running.splice(running.indexOf(c), 1)
      await c.stop()
    },
    async cleanup(): Promise<void> {
      for (const c of running.splice(0).reverse()) await c.stop()
      await dirs.cleanup()
    }
  }
}
