import { silentLogger } from '../../src/main/core/runtime/logger'
import {
  openDeviceAuthenticator,
  type DeviceAuthenticator
} from '../../src/main/core/ingest/protocol/device-auth'
import { ReportIntake } from '../../src/main/core/ingest/intake'
import { ReportParser } from '../../src/main/core/ingest/protocol/report-parser'
import {
  IngestServer,
  type IngestServerOptions
} from '../../src/main/core/ingest/tcp/ingest-server'
import type { ReportStore, ReportStoreOptions } from '../../src/main/core/store/report-store'
import { LineClient } from './line-client'
import { openStore } from './store'
import { tempDirs } from './temp-dir'

export interface IngestRig {
  server: IngestServer
  store: ReportStore
  port: number
  stop(): Promise<void>
}

/** A real ingest server on 127.0.0.1:0, its intake over a real store in `dir`. */
export async function startIngest(
  dir: string,
  options: {
    maxLineBytes?: number
    auth?: DeviceAuthenticator
    store?: Partial<ReportStoreOptions>
    /** The clock of the server's slow-loris check and of receive times. */
    now?: () => number
    limits?: Pick<
      IngestServerOptions,
      | 'maxConnections'
      | 'maxConnectionsPerAddress'
      | 'limitLoopback'
      | 'idleTimeoutMs'
      | 'partialLineTimeoutMs'
    >
  } = {}
): Promise<IngestRig> {
  const store = await openStore(dir, options.store)
  const intake = new ReportIntake({
    parser: new ReportParser(options.auth ?? openDeviceAuthenticator),
    sink: store,
    maxMessageBytes: options.maxLineBytes ?? 64 * 1024,
    now: options.now
  })
  const server = new IngestServer({
    host: '127.0.0.1',
    port: 0,
    intake,
    logger: silentLogger(),
    now: options.now,
    ...options.limits
  })
  const { port } = await server.start()
  return {
    server,
    store,
    port,
    async stop() {
      await server.stop()
      await store.close()
    }
  }
}

/**
 * Ingest servers and device clients for one spec file, all torn down by `cleanup()` (call it
 * from afterEach).
 */
export function ingestFixture() {
  const dirs = tempDirs()
  const rigs: IngestRig[] = []
  const clients: LineClient[] = []
  return {
    async rig(
      options: Parameters<typeof startIngest>[1] = {}
    ): Promise<IngestRig & { dir: string }> {
      const dir = await dirs.make()
      const r = await startIngest(dir, options)
      rigs.push(r)
      return { ...r, dir }
    },
    async client(port: number): Promise<LineClient> {
      const c = await LineClient.connect(port)
      clients.push(c)
      return c
    },
    async cleanup(): Promise<void> {
      for (const c of clients.splice(0)) c.close()
      await Promise.all(rigs.splice(0).map((r) => r.stop()))
      await dirs.cleanup()
    }
  }
}
