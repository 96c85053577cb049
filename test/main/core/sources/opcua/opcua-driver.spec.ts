import { existsSync } from 'node:fs'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { silentLogger } from '../../../../../src/main/core/runtime/logger'
import {
  opcuaDriverFactory,
  type OpcuaDriverSettings
} from '../../../../../src/main/core/sources/opcua/opcua-driver'
import type { SourceDriver } from '../../../../../src/main/core/sources/source-driver'
import type {
  OpcuaNode,
  OpcuaSourceConfig,
  SourceReading,
  SourceState
} from '../../../../../src/shared/source-types'
import { eventually } from '../../../../support/console'
import { freePort } from '../../../../support/free-port'
import { startOpcuaServer, type RunningOpcuaServer } from '../../../../support/opcua-server'
import { tempDirs } from '../../../../support/temp-dir'

// node-opcua is slow to start (a server makes its 2048-bit certificate on first use): one
// server per file, shared by its tests; each test has its own driver, stopped in afterEach.
const dirs = tempDirs()
let server: RunningOpcuaServer
let pkiDir: string
let serverPki: string

beforeAll(async () => {
  pkiDir = await dirs.make('lookout-opcua-client-')
  serverPki = await dirs.make('lookout-opcua-server-')
  server = await startOpcuaServer({ port: await freePort(), pkiDir: serverPki })
}, 60_000)
afterAll(async () => {
  await server?.close()
  await dirs.cleanup()
})

interface Recorded {
  states: { state: SourceState; error?: string }[]
  readings: SourceReading[]
  /** The time each reading was stamped with. */
  stamps: number[]
  driver: SourceDriver
  last(): SourceState | undefined
  /** Every field's latest value across the readings. */
  merged(): SourceReading
}

const drivers: SourceDriver[] = []
afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.stop()))
})

function source(endpoint: string, nodes: OpcuaNode[], extra: Partial<OpcuaSourceConfig> = {}) {
  return { id: 'press-1', type: 'opcua', device: 'press-1', endpoint, nodes, ...extra } as const
}

const FAST: Omit<OpcuaDriverSettings, 'pkiDir'> = {
  connectTimeoutMs: 10_000,
  retryInitialMs: 100,
  retryMaxMs: 500,
  stopTimeoutMs: 2000
}

/** The console's clock, as injected: a reading is stamped by it, never by Date.now(). */
const CONSOLE_CLOCK = Date.UTC(2031, 4, 6)

function run(config: OpcuaSourceConfig, settings: Partial<OpcuaDriverSettings> = {}): Recorded {
  const states: Recorded['states'] = []
  const readings: SourceReading[] = []
  const stamps: number[] = []
  const driver = opcuaDriverFactory({ pkiDir, ...FAST, ...settings })(
    config,
    {
      reading: (values, at) => (readings.push(values), stamps.push(at)),
      state: (state, error) => states.push({ state, error })
    },
    { logger: silentLogger(), now: () => CONSOLE_CLOCK }
  )
  drivers.push(driver)
  driver.start()
  return {
    states,
    readings,
    stamps,
    driver,
    last: () => states.at(-1)?.state,
    merged: () => Object.assign({}, ...readings) as SourceReading
  }
}

const node = (field: string, name: string): OpcuaNode => ({
  field,
  nodeId: `ns=1;s=${name}`,
  samplingMs: 100
})

describe('the OPC UA driver against a node-opcua server', () => {
  it('reports each variable under its field, mapped to a number, boolean or string', async () => {
    const r = run(
      source(server.endpoint, [
        node('temp', 'Temp'),
        node('running', 'Running'),
        node('mode', 'Mode'),
        node('count', 'Count'),
        node('big', 'Big'),
        node('started', 'Started'),
        node('samples', 'Samples')
      ])
    )
    await eventually(() => r.last() === 'connected', 'connected', 10_000)
    expect(r.states[0]).toEqual({ state: 'connecting', error: undefined })
    await eventually(() => 'started' in r.merged(), 'the first values')
    expect(r.merged()).toEqual({
      temp: 21.5,
      running: true,
      mode: 'auto',
      count: -7,
      big: 5_000_000_000,
      started: 1_700_000_000_000
    })
    // The first values of one publish response are one reading.
    expect(r.readings.length).toBeLessThan(7)
    expect(new Set(r.stamps)).toEqual(new Set([CONSOLE_CLOCK]))
    // Later changes, the Double a device moves on: each change reaches the driver.
    const before = r.readings.length
    server.set('Temp', 22.25)
    await eventually(() => r.readings.at(-1)?.temp === 22.25, 'the changed temperature')
    expect(r.readings.at(-1)).toEqual({ temp: 22.25 })
    server.set('Big', [0xffff_ffff, 0xffff_fffe]) // -2 as an Int64 (two's complement words)
    server.set('Running', false)
    await eventually(() => r.merged().big === -2 && r.merged().running === false, 'two changes')
    expect(r.readings.length).toBeGreaterThan(before)
    server.set('Temp', 21.5)
    // Its certificate is in the folder it was given.
    expect(existsSync(join(pkiDir, 'own', 'certs', 'client_certificate.pem'))).toBe(true)
  })

  it('keeps reading the good nodes when one is unknown, and says which', async () => {
    const r = run(
      source(server.endpoint, [node('temp', 'Temp'), node('nope', 'Nope'), node('x', 'Mode')])
    )
    await eventually(() => r.last() === 'connected', 'connected', 10_000)
    expect(r.states.at(-1)?.error).toMatch(/^ns=1;s=Nope: BadNodeIdUnknown/)
    await eventually(() => r.merged().temp === 21.5 && r.merged().x === 'auto', 'the good nodes')
  })

  it('is error, in words, when every node is refused', async () => {
    const r = run(
      source(server.endpoint, [node('a', 'Nope'), { field: 'b', nodeId: 'not a node id' }])
    )
    await eventually(() => r.last() === 'error', 'error', 10_000)
    const error = r.states.at(-1)?.error ?? ''
    expect(error).toMatch(/ns=1;s=Nope: BadNodeIdUnknown/)
    expect(error).toMatch(/not a node id: not a node id/)
    expect(r.readings).toEqual([])
  })

  it('is error, in words, when nothing listens at the endpoint', async () => {
    const port = await freePort()
    const r = run(source(`opc.tcp://127.0.0.1:${port}/none`, [node('temp', 'Temp')]))
    await eventually(() => r.last() === 'error', 'error', 10_000)
    expect(r.states.at(-1)?.error).toMatch(/cannot be established .*ECONNREFUSED 127\.0\.0\.1/)
  })

  it('stops at once however far it got', async () => {
    const r = run(source(server.endpoint, [node('temp', 'Temp')]))
    const started = Date.now()
    await r.driver.stop()
    expect(Date.now() - started).toBeLessThan(5000)
    const seen = r.states.length
    await new Promise((resolve) => setTimeout(resolve, 300)) // no event may follow the stop
    expect(r.states.length).toBe(seen)
  })
})

describe('the OPC UA driver with user names', () => {
  let secured: RunningOpcuaServer
  beforeAll(async () => {
    secured = await startOpcuaServer({
      port: await freePort(),
      pkiDir: serverPki,
      users: { operator: 'right-password' }
    })
  }, 60_000)
  afterAll(async () => {
    await secured.close()
  })

  it('reads with the right password', async () => {
    const r = run(
      source(secured.endpoint, [node('temp', 'Temp')], {
        user: 'operator',
        password: 'right-password'
      })
    )
    await eventually(() => r.merged().temp === 21.5, 'a value', 10_000)
    expect(r.last()).toBe('connected')
  })

  it('is error, in words, with a wrong password', async () => {
    const r = run(
      source(secured.endpoint, [node('temp', 'Temp')], { user: 'operator', password: 'wrong' })
    )
    await eventually(() => r.last() === 'error', 'error', 10_000)
    expect(r.states.at(-1)?.error).toMatch(
      /^the server refused a session \(user operator\): BadUserAccessDenied/
    )
    expect(r.readings).toEqual([])
  })
})

describe('the OPC UA driver when its server goes away', () => {
  it('is connecting while the server is down, then connected and reading again', async () => {
    const port = await freePort()
    const pki = await dirs.make('lookout-opcua-restart-')
    let restarted = await startOpcuaServer({ port, pkiDir: pki })
    try {
      const r = run(source(restarted.endpoint, [node('temp', 'Temp')]))
      await eventually(() => r.merged().temp === 21.5, 'a first value', 10_000)
      await restarted.close()
      await eventually(() => r.last() === 'connecting', 'connecting', 10_000)
      // Words with a non-error state: the source keeps them as its lastError meanwhile.
      expect(r.states.at(-1)?.error).toBe(`lost the connection to ${restarted.endpoint}`)
      restarted = await startOpcuaServer({ port, pkiDir: pki, initial: { Temp: 30 } })
      await eventually(() => r.last() === 'connected', 'connected again', 20_000)
      expect(r.states.at(-1)).toEqual({ state: 'connected', error: undefined })
      await eventually(() => r.readings.at(-1)?.temp === 30, 'values again', 10_000)
    } finally {
      await restarted.close()
    }
  }, 60_000)

  it('gives up (error) when the server stays away longer than it waits', async () => {
    const port = await freePort()
    const pki = await dirs.make('lookout-opcua-gone-')
    const gone = await startOpcuaServer({ port, pkiDir: pki })
    const r = run(source(gone.endpoint, [node('temp', 'Temp')]), { reconnectGiveUpMs: 1500 })
    await eventually(() => r.merged().temp === 21.5, 'a first value', 10_000)
    await gone.close()
    await eventually(() => r.last() === 'error', 'error', 10_000)
    expect(r.states.at(-1)?.error).toMatch(/was lost and not re-established within 1500 ms/)
  }, 30_000)
})
