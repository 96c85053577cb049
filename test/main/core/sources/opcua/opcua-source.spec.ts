import { existsSync } from 'node:fs'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { opcuaDriverFactory } from '../../../../../src/main/core/sources/opcua/opcua-driver'
import type { OpcuaSourceConfig } from '../../../../../src/shared/source-types'
import { api, consoleFixture, eventually, type RunningConsole } from '../../../../support/console'
import { freePort } from '../../../../support/free-port'
import { startOpcuaServer, type RunningOpcuaServer } from '../../../../support/opcua-server'
import { tempDirs } from '../../../../support/temp-dir'
import { FAST_RETRY, latestReport, sourceStatus } from '../source-fixtures'

// A whole console with an OPC UA source made through the API, against a node-opcua server: the
// console's own driver table (node-opcua loaded on first use, certificates in the data dir).
const fixture = consoleFixture()
const dirs = tempDirs()
let server: RunningOpcuaServer

beforeAll(async () => {
  server = await startOpcuaServer({
    port: await freePort(),
    pkiDir: await dirs.make('lookout-opcua-server-')
  })
}, 60_000)
afterEach(() => fixture.cleanup())
afterAll(async () => {
  await server?.close()
  await dirs.cleanup()
})

const latest = (c: RunningConsole) => latestReport(c, 'press-1')

function press(endpoint: string): OpcuaSourceConfig {
  return {
    id: 'press-1',
    type: 'opcua',
    device: 'press-1',
    endpoint,
    nodes: [
      { field: 'temp', nodeId: 'ns=1;s=Temp', samplingMs: 100 },
      { field: 'running', nodeId: 'ns=1;s=Running', samplingMs: 100 },
      { field: 'mode', nodeId: 'ns=1;s=Mode', samplingMs: 100 }
    ]
  }
}

describe('an OPC UA source in a console', () => {
  it('turns the watched nodes into reports of its device', async () => {
    const c = await fixture.start()
    const created = await api(c, '/api/sources', {
      method: 'POST',
      body: JSON.stringify(press(server.endpoint))
    })
    expect(created.status).toBe(201)

    await eventually(async () => (await latest(c))?.temp === 21.5, 'a report of press-1', 20_000)
    server.set('Temp', 23.75)
    await eventually(async () => (await latest(c))?.temp === 23.75, 'the changed value', 10_000)
    expect(await latest(c)).toMatchObject({ device: 'press-1', identity: 'source:press-1' })
    expect(await sourceStatus(c, 'press-1')).toMatchObject({ state: 'connected', lastError: null })
    // Its certificates are the console's, in its data dir.
    expect(existsSync(join(c.dataDir, 'opcua-pki', 'own', 'certs'))).toBe(true)
    server.set('Temp', 21.5)
  }, 40_000)

  it('says in lastError that the connection was lost while it reconnects, and clears it once it reads again', async () => {
    const port = await freePort()
    const pki = await dirs.make('lookout-opcua-restart-')
    let restarted = await startOpcuaServer({ port, pkiDir: pki })
    try {
      // The console's driver with node-opcua's reconnect attempts 100–500 ms apart (10 s at most
      // by default), so the server's return is seen within the spec's patience.
      const opcua = opcuaDriverFactory({
        pkiDir: await dirs.make('lookout-opcua-client-'),
        retryInitialMs: 100,
        retryMaxMs: 500
      })
      const c = await fixture.start({}, { sources: { ...FAST_RETRY.sources, drivers: { opcua } } })
      await api(c, '/api/sources', {
        method: 'POST',
        body: JSON.stringify(press(restarted.endpoint))
      })
      await eventually(async () => (await latest(c))?.temp === 21.5, 'a first reading', 20_000)

      await restarted.close()
      await eventually(
        async () => (await sourceStatus(c, 'press-1'))?.state === 'connecting',
        'reconnecting',
        10_000
      )
      expect((await sourceStatus(c, 'press-1'))?.lastError).toBe(
        `lost the connection to ${restarted.endpoint}`
      )

      restarted = await startOpcuaServer({ port, pkiDir: pki, initial: { Temp: 30 } })
      await eventually(async () => (await latest(c))?.temp === 30, 'a reading again', 20_000)
      await eventually(
        async () => (await sourceStatus(c, 'press-1'))?.lastError === null,
        'lastError cleared',
        5000
      )
      expect((await sourceStatus(c, 'press-1'))?.state).toBe('connected')
    } finally {
      await fixture.cleanup()
      await restarted.close()
    }
  }, 60_000)
})
