import { readdirSync, readFileSync, statSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import type { ConsoleConfigInput } from '../../../../../src/main/core/config'
import {
  ACCESS_KEY,
  api,
  consoleFixture,
  eventually,
  VIEW_KEY,
  type RunningConsole
} from '../../../../support/console'
import { mqttClients, nextMessage, recordMessages } from '../../../../support/mqtt'

const consoles = consoleFixture()
const clients = mqttClients()
afterEach(async () => {
  await clients.cleanup()
  await consoles.cleanup()
})

async function start(
  config: ConsoleConfigInput = {}
): Promise<{ c: RunningConsole; port: number }> {
  const c = await consoles.start({ mqttPort: 0, ...config })
  const mqtt = c.addresses.transports.find((t) => t.protocol === 'mqtt')
  if (mqtt === undefined) throw new Error('no MQTT transport')
  return { c, port: mqtt.port }
}

async function reportsOf(c: RunningConsole, device: string): Promise<Array<Record<string, any>>> {
  return (await api(c, `/api/reports?device=${encodeURIComponent(device)}`)).body
}

/** Every report in the data dir's report files, read synchronously at the moment it is called. */
function reportsOnDiskNow(dir: string): Array<Record<string, unknown>> {
  const found: Array<Record<string, unknown>> = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) found.push(...reportsOnDiskNow(path))
    else if (name.startsWith('reports-'))
      for (const line of readFileSync(path, 'utf8').split('\n'))
        if (line.trim() !== '') found.push(JSON.parse(line) as Record<string, unknown>)
  }
  return found
}

async function makeToken(c: RunningConsole, identity: string, devices: string[] | null) {
  const made = await api(c, '/api/device-tokens', {
    method: 'POST',
    body: JSON.stringify(devices === null ? { identity } : { identity, devices })
  })
  if (made.status !== 201) throw new Error(`no token: ${JSON.stringify(made.body)}`)
  return made.body.token as string
}

async function requireTokens(c: RunningConsole): Promise<void> {
  await api(c, '/api/device-tokens/required', {
    method: 'PUT',
    body: JSON.stringify({ required: true })
  })
}

describe('the MQTT broker as an ingest transport', () => {
  it('is off by default, and listed with the ingest endpoints when on', async () => {
    const off = await consoles.start()
    expect(off.addresses.transports.map((t) => t.protocol)).toEqual(['tcp'])
    const { c, port } = await start()
    expect(c.core.operations.info().ingest).toEqual([
      { protocol: 'tcp', host: '127.0.0.1', port: c.addresses.ingest.port },
      { protocol: 'mqtt', host: '127.0.0.1', port }
    ])
  })

  it('acknowledges a QoS 1 report only once it is in the store file', async () => {
    const { c, port } = await start()
    const device = await clients.connect(port)
    let onDiskAtAck: Array<Record<string, unknown>> | null = null
    device.on('packetreceive', (packet) => {
      if (packet.cmd === 'puback') onDiskAtAck = reportsOnDiskNow(c.dataDir)
    })
    await device.publishAsync('lookout/plc-1', JSON.stringify({ temp: 20.5, seq: 7 }), { qos: 1 })
    expect(onDiskAtAck).toEqual([
      expect.objectContaining({ device: 'plc-1', temp: 20.5, seq: 7, identity: 'anonymous' })
    ])
    expect(await reportsOf(c, 'plc-1')).toMatchObject([{ device: 'plc-1', temp: 20.5 }])
  })

  it('makes lookout/<device>/<field> with a plain value a report of that field', async () => {
    const { c, port } = await start()
    const device = await clients.connect(port)
    await device.publishAsync('lookout/dev/temp', '21.5', { qos: 1 })
    await device.publishAsync('lookout/dev/running', 'true', { qos: 1 })
    const errors = await clients.connect(port)
    await errors.subscribeAsync('lookout/dev/error')
    const refused = nextMessage(errors, 'lookout/dev/error')
    await device.publishAsync('lookout/dev/state', 'warm', { qos: 1 })
    expect(JSON.parse((await refused).payload)).toMatchObject({ error: 'bad_json' })
    const stored = await reportsOf(c, 'dev')
    expect(stored.map(({ temp, running }) => ({ temp, running }))).toEqual([
      { temp: undefined, running: true },
      { temp: 21.5, running: undefined }
    ])
  })

  it('refuses a report whose payload names another device than its topic', async () => {
    const { c, port } = await start()
    const device = await clients.connect(port)
    await device.subscribeAsync('lookout/plc-1/error')
    const refused = nextMessage(device, 'lookout/plc-1/error')
    await device.publishAsync('lookout/plc-1', JSON.stringify({ device: 'plc-2', v: 1 }), {
      qos: 1
    })
    expect(JSON.parse((await refused).payload)).toMatchObject({ error: 'invalid_field' })
    expect(await reportsOf(c, 'plc-2')).toEqual([])
    expect(await reportsOf(c, 'plc-1')).toEqual([])
  })

  it('acknowledges bad JSON, answers it on the error topic, and loses nothing else', async () => {
    const { c, port } = await start()
    const device = await clients.connect(port)
    await device.subscribeAsync('lookout/dev/error')
    const errors = recordMessages(device)
    await Promise.all([
      device.publishAsync('lookout/dev', JSON.stringify({ n: 1 }), { qos: 1 }),
      device.publishAsync('lookout/dev', '{"n": 2', { qos: 1 }),
      device.publishAsync('lookout/dev', JSON.stringify({ n: 3 }), { qos: 1 }),
      device.publishAsync('lookout/dev', JSON.stringify({ n: 4 }), { qos: 0 })
    ])
    await eventually(() => errors.length === 1, 'the error reply')
    expect(JSON.parse(errors[0]!.payload)).toMatchObject({ error: 'bad_json' })
    await eventually(async () => (await reportsOf(c, 'dev')).length === 3, 'three reports')
    expect((await reportsOf(c, 'dev')).map((r) => r.n).sort()).toEqual([1, 3, 4])
    expect(device.connected).toBe(true)
  })

  it('gives a device token as password its identity, in open mode too', async () => {
    const { c, port } = await start()
    const token = await makeToken(c, 'line-4', ['press-*'])
    const device = await clients.connect(port, { username: 'press-1', password: token })
    await device.publishAsync('lookout/press-1', JSON.stringify({ force: 3 }), { qos: 1 })
    expect(await reportsOf(c, 'press-1')).toMatchObject([{ identity: 'line-4', force: 3 }])
    // A device the token does not allow: unauthorized, on that device's error topic.
    // Refused (SUBACK 0x80), which MQTT.js turns into a rejection.
    await expect(device.subscribeAsync('lookout/oven-1/error')).rejects.toThrow(/Subscribe error/)
    await device.subscribeAsync('lookout/press-1/error')
    const refused = nextMessage(device, 'lookout/press-1/error')
    await device.publishAsync('lookout/press-1', JSON.stringify({ force: 'x', auth: 1 }), {
      qos: 1
    })
    expect(JSON.parse((await refused).payload)).toMatchObject({ error: 'invalid_field' })
    await device.publishAsync('lookout/oven-1', JSON.stringify({ t: 1 }), { qos: 1 })
    expect(await reportsOf(c, 'oven-1')).toEqual([])
  })

  it('with tokens required, refuses a CONNECT without a password or with a wrong one', async () => {
    const { c, port } = await start()
    await requireTokens(c)
    await expect(clients.connect(port)).rejects.toMatchObject({ code: 5 })
    await expect(
      clients.connect(port, { username: 'x', password: 'not-a-token' })
    ).rejects.toMatchObject({ code: 4 })
    const token = await makeToken(c, 'line-1', null)
    const device = await clients.connect(port, { username: 'plc-1', password: token })
    await device.publishAsync('lookout/plc-1/temp', '55', { qos: 1 })
    expect(await reportsOf(c, 'plc-1')).toMatchObject([{ identity: 'line-1', temp: 55 }])
  })

  it('closes a device connection at its next report once its token is revoked, and refuses it again', async () => {
    const { c, port } = await start()
    await requireTokens(c)
    const made = await api(c, '/api/device-tokens', {
      method: 'POST',
      body: JSON.stringify({ identity: 'line-2' })
    })
    const device = await clients.connect(port, { username: 'plc-2', password: made.body.token })
    await device.subscribeAsync('lookout/plc-2/error')
    await device.publishAsync('lookout/plc-2/temp', '1', { qos: 1 })
    await api(c, `/api/device-tokens/${made.body.info.id}`, { method: 'DELETE' })
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()))
    void device.publishAsync('lookout/plc-2/temp', '2', { qos: 1 }).catch(() => undefined)
    await closed
    await expect(
      clients.connect(port, { username: 'plc-2', password: made.body.token })
    ).rejects.toMatchObject({ code: 4 })
    expect((await reportsOf(c, 'plc-2')).map((r) => r.temp)).toEqual([1])
  })

  it('lets the view key read lookout/# and see what devices publish, but not publish reports', async () => {
    const { c, port } = await start()
    await requireTokens(c)
    const token = await makeToken(c, 'line-1', null)
    const viewer = await clients.connect(port, { username: 'wall', password: VIEW_KEY })
    expect((await viewer.subscribeAsync('lookout/#', { qos: 1 }))[0]!.qos).toBe(1)
    const seen = recordMessages(viewer)
    // MQTT 3.1.1 has no password without a user name [MQTT-3.1.2-22]: any name does.
    const device = await clients.connect(port, { username: 'plc-1', password: token })
    await device.publishAsync('lookout/plc-1', JSON.stringify({ temp: 60 }), { qos: 1 })
    await eventually(() => seen.length === 1, 'the viewer to see the report')
    expect(seen[0]).toEqual({ topic: 'lookout/plc-1', payload: '{"temp":60}' })

    await viewer.publishAsync('lookout/plc-1', JSON.stringify({ temp: -1 }), { qos: 1 })
    await eventually(() => seen.length === 2, 'the refusal on the error topic')
    expect(seen[1]!.topic).toBe('lookout/plc-1/error')
    expect(JSON.parse(seen[1]!.payload)).toMatchObject({ error: 'unauthorized' })
    expect((await reportsOf(c, 'plc-1')).map((r) => r.temp)).toEqual([60])

    const operator = await clients.connect(port, { username: 'ops', password: ACCESS_KEY })
    expect((await operator.subscribeAsync('lookout/+'))[0]!.qos).toBe(0)
  })

  it('keeps lookout/ from a client without a key: refused by name, held back from wildcards', async () => {
    const { port } = await start()
    const stranger = await clients.connect(port)
    await expect(stranger.subscribeAsync('lookout/#')).rejects.toThrow(/Subscribe error/)
    await stranger.subscribeAsync('#')
    const seen = recordMessages(stranger)
    const device = await clients.connect(port)
    await device.publishAsync('lookout/plc-1', JSON.stringify({ temp: 1 }), { qos: 1 })
    await device.publishAsync('plant/hall-1/light', 'on', { qos: 1 })
    await eventually(() => seen.length > 0, 'the plain message')
    expect(seen).toEqual([{ topic: 'plant/hall-1/light', payload: 'on' }])
  })

  it('is a plain broker beyond lookout/: retained messages reach a later subscriber', async () => {
    const { c, port } = await start()
    const publisher = await clients.connect(port)
    await publisher.publishAsync('plant/hall-1/mode', 'auto', { qos: 1, retain: true })
    const later = await clients.connect(port)
    const retained = nextMessage(later, 'plant/hall-1/mode')
    await later.subscribeAsync('plant/#', { qos: 1 })
    expect(await retained).toEqual({ payload: 'auto', retain: true })
    expect(await api(c, '/api/devices')).toMatchObject({ body: [] })
  })

  it('keeps a persistent session: QoS 1 messages sent while its client is away reach it on its return', async () => {
    const { port } = await start()
    const session = { clientId: 'panel-7', clean: false }
    const away = await clients.connect(port, session)
    await away.subscribeAsync('plant/alerts', { qos: 1 })
    await away.endAsync()
    const publisher = await clients.connect(port)
    await publisher.publishAsync('plant/alerts', 'boiler 2', { qos: 1 })
    const back = clients.begin(port, session)
    const queued = nextMessage(back, 'plant/alerts')
    expect((await queued).payload).toBe('boiler 2')
  })

  it('takes a QoS 2 report as a QoS 1 one: stored, then PUBREC', async () => {
    const { c, port } = await start()
    const device = await clients.connect(port)
    await device.publishAsync('lookout/q2', JSON.stringify({ v: 2 }), { qos: 2 })
    expect(await reportsOf(c, 'q2')).toMatchObject([{ v: 2 }])
  })

  it('publishes a will when its client drops', async () => {
    const { port } = await start()
    const watcher = await clients.connect(port)
    await watcher.subscribeAsync('plant/pump-1/status', { qos: 1 })
    const will = nextMessage(watcher, 'plant/pump-1/status')
    const pump = await clients.connect(port, {
      will: { topic: 'plant/pump-1/status', payload: Buffer.from('gone'), qos: 1, retain: false }
    })
    pump.stream.destroy()
    expect((await will).payload).toBe('gone')
  })

  it('answers a payload over --max-line-bytes with too_large, and closes a connection that announces a much longer packet', async () => {
    const { c, port } = await start({ maxLineBytes: 1024 })
    const device = await clients.connect(port)
    await device.subscribeAsync('lookout/big/error')
    const refused = nextMessage(device, 'lookout/big/error')
    await device.publishAsync('lookout/big', JSON.stringify({ pad: 'x'.repeat(2000) }), { qos: 1 })
    expect(JSON.parse((await refused).payload)).toMatchObject({ error: 'too_large' })

    // A PUBLISH header announcing 10 MB: closed before the body arrives.
    const raw = connect(port, '127.0.0.1')
    await new Promise((resolve) => raw.once('connect', resolve))
    const connectPacket = Buffer.from([
      0x10, 14, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 2, 0, 30, 0, 2, 0x72, 0x31
    ])
    raw.write(connectPacket)
    raw.write(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x05]))
    await new Promise((resolve) => raw.once('close', resolve))
    expect(await reportsOf(c, 'big')).toEqual([])
  })

  it('acknowledges a thousand QoS 1 reports of one client in the order sent, and stores each once', async () => {
    const { c, port } = await start()
    const device = await clients.connect(port)
    const sentIds: number[] = []
    const ackedIds: number[] = []
    device.on('packetsend', (p) => {
      if (p.cmd === 'publish') sentIds.push(p.messageId!)
    })
    device.on('packetreceive', (p) => {
      if (p.cmd === 'puback') ackedIds.push(p.messageId!)
    })
    await Promise.all(
      Array.from({ length: 1000 }, (_, n) =>
        device.publishAsync(
          n % 100 === 50 ? 'lookout/many/n' : 'lookout/many',
          n % 100 === 50 ? 'not a number' : JSON.stringify({ n }),
          { qos: 1 }
        )
      )
    )
    expect(ackedIds).toEqual(sentIds)
    const stored = (await api(c, '/api/reports?device=many&limit=2000')).body as unknown[]
    expect(stored).toHaveLength(990)
  })

  it('bounds subscriptions per client and connections', async () => {
    const { port } = await start({ maxConnections: 2 })
    const first = await clients.connect(port)
    const filters = Array.from({ length: 100 }, (_, n) => `plant/${n}`)
    await first.subscribeAsync(filters)
    await expect(first.subscribeAsync('plant/one-more')).rejects.toThrow(/Subscribe error/)
    // Already held: subscribing it again is no new subscription.
    await first.subscribeAsync('plant/7')
    await clients.connect(port)
    // The third is closed as it arrives.
    const third = connect(port, '127.0.0.1')
    third.on('error', () => undefined)
    await new Promise((resolve) => third.once('close', resolve))
  })

  it('stops with the console, answering what it had taken', async () => {
    const { c, port } = await start()
    const device = await clients.connect(port)
    const sent = Array.from({ length: 50 }, (_, n) =>
      device.publishAsync('lookout/busy', JSON.stringify({ n }), { qos: 1 })
    )
    await Promise.all(sent)
    await consoles.stop(c)
    await eventually(() => !device.connected, 'the client to be disconnected')
  })
})
