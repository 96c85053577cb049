import { existsSync } from 'node:fs'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import type { SourceStatus } from '../../../../../src/shared/source-types'
import { api, consoleFixture, eventually, VIEW_KEY } from '../../../../support/console'
import { freePort } from '../../../../support/free-port'
import { startOpcuaServer, type RunningOpcuaServer } from '../../../../support/opcua-server'
import { tempDirs } from '../../../../support/temp-dir'

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

async function latest(c: Parameters<typeof api>[0]) {
  const { body } = await api(c, '/api/reports?device=press-1&limit=1')
  return (body as Record<string, unknown>[])[0]
}

describe('an OPC UA source in a console', () => {
  it('turns the watched nodes into reports of its device', async () => {
    const c = await fixture.start()
    const created = await api(c, '/api/sources', {
      method: 'POST',
      body: JSON.stringify({
        id: 'press-1',
        type: 'opcua',
        device: 'press-1',
        endpoint: server.endpoint,
        nodes: [
          { field: 'temp', nodeId: 'ns=1;s=Temp', samplingMs: 100 },
          { field: 'running', nodeId: 'ns=1;s=Running', samplingMs: 100 },
          { field: 'mode', nodeId: 'ns=1;s=Mode', samplingMs: 100 }
        ]
      })
    })
    expect(created.status).toBe(201)

    await eventually(async () => (await latest(c))?.temp === 21.5, 'a report of press-1', 20_000)
    server.set('Temp', 23.75)
    await eventually(async () => (await latest(c))?.temp === 23.75, 'the changed value', 10_000)
    expect(await latest(c)).toMatchObject({ device: 'press-1', identity: 'source:press-1' })
    const { body } = await api(c, '/api/sources', { key: VIEW_KEY })
    const status = (body as SourceStatus[]).find((s) => s.config.id === 'press-1')
    expect(status).toMatchObject({ state: 'connected', lastError: null })
    // Its certificates are the console's, in its data dir.
    expect(existsSync(join(c.dataDir, 'opcua-pki', 'own', 'certs'))).toBe(true)
    server.set('Temp', 21.5)
  }, 40_000)
})
