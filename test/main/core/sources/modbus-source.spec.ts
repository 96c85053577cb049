import { createServer, type Socket } from 'node:net'

import { afterEach, describe, expect, it } from 'vitest'

import { modbusDriverFactory } from '../../../../src/main/core/sources/modbus/modbus-driver'

import { api, eventually, type RunningConsole } from '../../../support/console'
import { freePort } from '../../../support/free-port'
import { LineClient } from '../../../support/line-client'
import { float32Words, int16Word, modbusVector } from '../../../support/modbus-server'
import { FAST_RETRY, latestReport, sourcesFixture, sourceStatus } from './source-fixtures'

const fixture = sourcesFixture()
afterEach(() => fixture.cleanup())

function plc(port: number, id = 'plc-1') {
  return {
    id,
    type: 'modbus',
    device: id,
    host: '127.0.0.1',
    port,
    unitId: 1,
    intervalMs: 100,
    registers: [
      { field: 'temp', kind: 'holding', address: 0, type: 'int16', scale: 0.5, offset: 1 },
      { field: 'flow', kind: 'holding', address: 1, type: 'float32' },
      { field: 'level', kind: 'holding', address: 10, type: 'float32', wordOrder: 'little' },
      { field: 'count', kind: 'holding', address: 20, type: 'int32' },
      { field: 'total', kind: 'holding', address: 22, type: 'uint32', wordOrder: 'little' },
      { field: 'speed', kind: 'input', address: 0, scale: 0.1 },
      { field: 'pump', kind: 'coil', address: 0 },
      { field: 'door', kind: 'discrete', address: 3 }
    ]
  }
}

const status = (c: RunningConsole, id = 'plc-1') => sourceStatus(c, id)
const latest = (c: RunningConsole, device = 'plc-1') => latestReport(c, device)

/** A console reading plc-1's one register, `temp` (holding 0), from the server at `port`. */
async function consoleReadingTemp(port: number): Promise<RunningConsole> {
  const c = await fixture.start({}, FAST_RETRY)
  const source = { ...plc(port), registers: [{ field: 'temp', kind: 'holding', address: 0 }] }
  await api(c, '/api/sources', { method: 'POST', body: JSON.stringify(source) })
  return c
}

describe('a Modbus TCP source against a real Modbus server', () => {
  it('reads the registers into reports: names, types, word orders, scale and offset', async () => {
    const vector = modbusVector()
    vector.holding.set(0, int16Word(-12))
    const [fh, fl] = float32Words(21.5, 'big')
    vector.holding.set(1, fh).set(2, fl)
    const [lh, ll] = float32Words(-3.25, 'little')
    vector.holding.set(10, lh).set(11, ll)
    // int32 -100000, high word first: 0xFFFE 0x7960
    vector.holding.set(20, 0xfffe).set(21, 0x7960)
    // uint32 70000 (0x00011170), low word first
    vector.holding.set(22, 0x1170).set(23, 0x0001)
    vector.input.set(0, 500)
    vector.coils.set(0, true)
    const server = await fixture.modbusServer(vector)
    const c = await fixture.start({}, FAST_RETRY)

    const created = await api(c, '/api/sources', {
      method: 'POST',
      body: JSON.stringify(plc(server.port))
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ origin: 'console', config: { id: 'plc-1' } })

    await eventually(async () => (await latest(c)) !== undefined, 'a report of plc-1')
    expect(await latest(c)).toMatchObject({
      device: 'plc-1',
      identity: 'source:plc-1',
      temp: -5, // -12 × 0.5 + 1
      flow: 21.5,
      level: -3.25,
      count: -100_000,
      total: 70_000,
      speed: 50,
      pump: true,
      door: false
    })

    // The device's values change: a later poll carries them.
    vector.holding.set(0, int16Word(40))
    vector.coils.set(0, false)
    await eventually(async () => (await latest(c))?.temp === 21, 'the changed temperature')
    expect((await latest(c))?.pump).toBe(false)

    const health = await status(c)
    expect(health).toMatchObject({ state: 'connected', lastError: null })
    expect(health!.lastRead).toBeGreaterThan(0)
    expect(health!.readsPerSec).toBeGreaterThan(0)
  })

  it('goes to error with the reason when the server stops, and reads again when it is back', async () => {
    const vector = modbusVector()
    vector.holding.set(0, 7)
    const port = await freePort()
    const server = await fixture.modbusServer(vector, port)
    const c = await consoleReadingTemp(port)
    await eventually(async () => (await status(c))?.state === 'connected', 'connected')
    await eventually(async () => (await latest(c))?.temp === 7, 'a first reading')

    await server.close()
    await eventually(async () => (await status(c))?.state === 'error', 'state error')
    // Closed under it, then refused while it retries: either way, in words.
    await eventually(
      async () => /ECONNREFUSED/.test((await status(c))?.lastError ?? ''),
      'the refusal in lastError'
    )

    vector.holding.set(0, 8)
    await fixture.modbusServer(vector, port)
    await eventually(
      async () => (await latest(c))?.temp === 8,
      'a reading after the server came back'
    )
    await eventually(async () => (await status(c))?.lastError === null, 'lastError cleared')
    expect((await status(c))?.state).toBe('connected')
  })

  it('raises a stale alarm on the source’s device when it stops reading, as for any device', async () => {
    const vector = modbusVector()
    const port = await freePort()
    const server = await fixture.modbusServer(vector, port)
    const c = await consoleReadingTemp(port)
    const rule = { id: 'quiet', name: 'PLC quiet', devices: 'plc-*', stale: 1, severity: 'high' }
    expect(
      (await api(c, '/api/alarm-rules', { method: 'POST', body: JSON.stringify(rule) })).status
    ).toBe(201)
    await eventually(async () => (await latest(c)) !== undefined, 'a first reading')
    const alarm = async () =>
      (
        (await api(c, '/api/alarms')).body as Array<{ rule: string; device: string; state: string }>
      ).find((a) => a.rule === 'quiet' && a.device === 'plc-1')

    await server.close()
    await eventually(
      async () => (await alarm())?.state === 'active-unacked',
      'the stale alarm',
      8000
    )
    await fixture.modbusServer(vector, port)
    await eventually(
      async () => (await alarm())?.state === 'cleared-unacked',
      'back to normal',
      8000
    )
  })

  it('stamps its reports by the console’s clock', async () => {
    const server = await fixture.modbusServer(modbusVector())
    const aYear = 365 * 86_400_000
    const c = await fixture.start({}, { ...FAST_RETRY, now: () => Date.now() + aYear })
    const source = { ...plc(server.port), registers: [{ field: 't', kind: 'holding', address: 0 }] }
    await api(c, '/api/sources', { method: 'POST', body: JSON.stringify(source) })
    await eventually(async () => (await latest(c)) !== undefined, 'a report of plc-1')
    expect((await latest(c))!.time).toBeGreaterThan(Date.now() + aYear - 60_000)
  })

  it('counts a device that takes a request and never answers as failed, after the request timeout', async () => {
    // A listener that reads and says nothing: a PLC hung, or the wrong port of a gateway.
    const sockets: Socket[] = []
    const mute = createServer((socket) => void sockets.push(socket.resume()))
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve))
    const port = (mute.address() as { port: number }).port
    const c = await fixture.start(
      {},
      {
        sources: {
          ...FAST_RETRY.sources,
          drivers: { modbus: modbusDriverFactory({ requestTimeoutMs: 200 }) }
        }
      }
    )
    try {
      await api(c, '/api/sources', { method: 'POST', body: JSON.stringify(plc(port)) })
      await eventually(
        async () =>
          /^holding registers 0–2: no answer within 200 ms$/.test(
            (await status(c))?.lastError ?? ''
          ),
        'the timeout in lastError'
      )
      expect(sockets.length).toBeGreaterThanOrEqual(1) // it connected: the request went unanswered
    } finally {
      await fixture.cleanup()
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => mute.close(resolve))
    }
  })

  it('keeps ingest and other sources working while one source fails', async () => {
    const vector = modbusVector()
    vector.holding.set(0, 3)
    const server = await fixture.modbusServer(vector)
    const c = await fixture.start({}, FAST_RETRY)
    const nowhere = await freePort() // nothing listens there
    await api(c, '/api/sources', { method: 'POST', body: JSON.stringify(plc(nowhere, 'dead')) })
    await api(c, '/api/sources', {
      method: 'POST',
      body: JSON.stringify(plc(server.port, 'alive'))
    })
    await eventually(async () => (await latest(c, 'alive')) !== undefined, 'alive reading')
    await eventually(async () => (await status(c, 'dead'))?.state === 'error', 'dead failing')
    expect((await status(c, 'dead'))?.lastError).toMatch(/ECONNREFUSED/)
    const line = await LineClient.connect(c.addresses.ingest.port)
    line.send({ device: 'pump-7', seq: 1, t: 5 })
    expect(await line.waitForReplies(1)).toEqual([{ ack: 1 }])
    line.close()

    const { body } = await api(c, '/api/diagnostics')
    expect(body.sources).toMatchObject({ total: 2, fileError: null })
    expect(body.sources.states.error + body.sources.states.connecting).toBeGreaterThanOrEqual(1)
  })
})
