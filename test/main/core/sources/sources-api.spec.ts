import { afterEach, describe, expect, it } from 'vitest'

import type { OpcuaSourceConfig, SourceStatus } from '../../../../src/shared/source-types'
import type { OpcuaDriverFactory } from '../../../../src/main/core/sources/source-driver'
import { api, consoleFixture, VIEW_KEY } from '../../../support/console'
import { freePort } from '../../../support/free-port'

const fixture = consoleFixture()
afterEach(() => fixture.cleanup())

// These specs are about the API: an OPC UA source here gets a driver that waits, never connecting
// (the real one is specified in opcua/; it would make certificates in the data dir meanwhile).
const idleOpcua: OpcuaDriverFactory = (_config, events) => ({
  start: () => events.state('connecting'),
  stop: async () => undefined
})
const FAST = {
  sources: {
    backoff: { initialMs: 50, maxMs: 200, jitter: false },
    drivers: { opcua: idleOpcua }
  }
}

async function modbus(id = 'plc-1') {
  return {
    id,
    type: 'modbus',
    device: id,
    host: '127.0.0.1',
    port: await freePort(), // nothing listens: it fails and retries, which is all these need
    registers: [{ field: 'temp', kind: 'holding', address: 0 }]
  }
}

const opcua: OpcuaSourceConfig = {
  id: 'opc-1',
  type: 'opcua',
  device: 'line-2',
  endpoint: 'opc.tcp://127.0.0.1:4840/UA/Server',
  securityMode: 'SignAndEncrypt',
  securityPolicy: 'Basic256Sha256',
  user: 'lookout',
  password: 'the secret one',
  nodes: [{ field: 'rpm', nodeId: 'ns=2;s=Rpm', samplingMs: 500 }]
}

const post = (body: unknown) => ({ method: 'POST', body: JSON.stringify(body) })
const put = (body: unknown) => ({ method: 'PUT', body: JSON.stringify(body) })

describe('/api/sources', () => {
  it('creates, lists, updates and deletes a source; it outlives a restart', async () => {
    const c = await fixture.start({}, FAST)
    expect((await api(c, '/api/sources')).body).toEqual([])
    const source = await modbus()
    const created = await api(c, '/api/sources', post(source))
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ config: source, origin: 'console', lastRead: null })

    const listed = await api(c, '/api/sources', { key: VIEW_KEY })
    expect(listed.status).toBe(200)
    expect(listed.body).toHaveLength(1)
    expect(['connecting', 'error']).toContain(listed.body[0].state)

    const changed = { ...source, intervalMs: 5000 }
    const updated = await api(c, '/api/sources/plc-1', put(changed))
    expect(updated.status).toBe(200)
    expect(updated.body.config).toEqual(changed)

    // Kept in the data dir: a restart runs it again.
    await fixture.stop(c)
    const again = await fixture.start({}, FAST, c.dataDir)
    expect((await api(again, '/api/sources')).body.map((s: SourceStatus) => s.config)).toEqual([
      changed
    ])

    const deleted = await api(again, '/api/sources/plc-1', { method: 'DELETE' })
    expect(deleted).toEqual({ status: 200, body: { deleted: 'plc-1' } })
    expect((await api(again, '/api/sources')).body).toEqual([])
    expect((await api(again, '/api/sources/plc-1', { method: 'DELETE' })).status).toBe(404)
  })

  it('lets the view key list but never change, and never shows a password', async () => {
    const c = await fixture.start({}, FAST)
    expect((await api(c, '/api/sources', post(opcua))).status).toBe(201)
    const source = await modbus()
    for (const [path, init] of [
      ['/api/sources', post(source)],
      ['/api/sources/opc-1', put(opcua)],
      ['/api/sources/opc-1', { method: 'DELETE' }]
    ] as const) {
      const answer = await api(c, path, { ...init, key: VIEW_KEY })
      expect(answer.status, `${init.method} ${path}`).toBe(403)
    }

    const listed = await api(c, '/api/sources', { key: VIEW_KEY })
    expect(listed.body[0].config).toEqual({ ...opcua, password: '…' })
    expect(JSON.stringify(listed.body)).not.toContain('the secret one')

    // Sent back as listed, changed: `…` keeps the password it has.
    const renamed = { ...listed.body[0].config, device: 'line-3' }
    const updated = await api(c, '/api/sources/opc-1', put(renamed))
    expect(updated.status).toBe(200)
    expect(updated.body.config).toEqual({ ...opcua, device: 'line-3', password: '…' })
    // … and a new source cannot be given `…` for a password.
    const copy = await api(c, '/api/sources', post({ ...renamed, id: 'opc-2' }))
    expect(copy.status).toBe(400)
    expect(copy.body.message).toMatch(/password/)
  })

  it('refuses a bad source naming the field, a taken id, and a body whose id is not the path’s', async () => {
    const c = await fixture.start({}, FAST)
    const source = await modbus()
    const cases: Array<[unknown, RegExp]> = [
      [
        { ...source, registers: [{ field: 'temp', kind: 'holding', address: 70000 }] },
        /registers\[0\]\.address: must be at most 65535/
      ],
      [
        { ...source, registers: [{ field: 'time', kind: 'holding', address: 0 }] },
        /registers\[0\]\.field: time is a report's own field/
      ],
      [
        { ...source, registers: [{ field: 'a.b', kind: 'holding', address: 0 }] },
        /must not contain "\."/
      ],
      [{ ...source, intervalMs: 50 }, /intervalMs: must be at least 100/],
      [{ ...source, unitId: 256 }, /unitId: must be at most 255/],
      [{ ...source, registers: [] }, /registers: at least one register/],
      [
        {
          ...source,
          registers: Array.from({ length: 201 }, (_, i) => ({
            field: `f${i}`,
            kind: 'holding',
            address: i
          }))
        },
        /at most 200 registers/
      ],
      [
        { ...source, registers: [{ field: 'on', kind: 'coil', address: 0, type: 'int16' }] },
        /registers\[0\]\.type: a coil is a boolean/
      ],
      [{ ...source, extra: 1 }, /extra: unknown field/],
      [{ ...source, type: 'bacnet' }, /type: expected modbus or opcua/],
      [{ ...opcua, endpoint: 'http://10.0.0.8' }, /endpoint: must be an opc\.tcp/],
      [{ ...opcua, securityMode: 'None' }, /securityPolicy: must be None/],
      [{ ...source, id: 'plc\u202e1' }, /id: must not contain the invisible character/]
    ]
    for (const [body, message] of cases) {
      const answer = await api(c, '/api/sources', post(body))
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400)
      expect(answer.body.message).toMatch(message)
    }
    expect((await api(c, '/api/sources', post(source))).status).toBe(201)
    const taken = await api(c, '/api/sources', post(source))
    expect(taken.status).toBe(409)
    expect(taken.body.message).toMatch(/plc-1 already/)
    const moved = await api(c, '/api/sources/plc-1', put({ ...source, id: 'plc-2' }))
    expect(moved.status).toBe(400)
    expect((await api(c, '/api/sources/nope', put({ ...source, id: 'nope' }))).status).toBe(404)
  })
})
