import type { SourceStatus } from '../../../../src/shared/source-types'
import { api, consoleFixture, VIEW_KEY, type RunningConsole } from '../../../support/console'
import { freePort } from '../../../support/free-port'
import {
  startModbusServer,
  type ModbusVector,
  type RunningModbusServer
} from '../../../support/modbus-server'

/** The console deps whose sources retry within a spec's patience: 50 ms, then 100, capped at 200. */
export const FAST_RETRY = { sources: { backoff: { initialMs: 50, maxMs: 200, jitter: false } } }

/**
 * Consoles (as `consoleFixture`) and real Modbus servers for one spec file, all torn down by
 * `cleanup()` (call it from afterEach).
 */
export function sourcesFixture() {
  const consoles = consoleFixture()
  const servers: RunningModbusServer[] = []
  return {
    ...consoles,
    /** A Modbus server over `vector` on `port` (a free one by default), closed at cleanup. */
    async modbusServer(vector: ModbusVector, port?: number): Promise<RunningModbusServer> {
      const server = await startModbusServer(vector, port ?? (await freePort()))
      servers.push(server)
      return server
    },
    async cleanup(): Promise<void> {
      await consoles.cleanup()
      await Promise.all(servers.splice(0).map((s) => s.close()))
    }
  }
}

/** What `GET /api/sources` lists (asked with the view key, as a viewer would). */
export async function sourceStatuses(c: RunningConsole): Promise<SourceStatus[]> {
  return (await api(c, '/api/sources', { key: VIEW_KEY })).body as SourceStatus[]
}

export async function sourceStatus(
  c: RunningConsole,
  id: string
): Promise<SourceStatus | undefined> {
  return (await sourceStatuses(c)).find((s) => s.config.id === id)
}

/** The device's latest stored report, if any. */
export async function latestReport(
  c: RunningConsole,
  device: string
): Promise<Record<string, unknown> | undefined> {
  const { body } = await api(c, `/api/reports?device=${device}&limit=1`)
  return (body as Record<string, unknown>[])[0]
}
