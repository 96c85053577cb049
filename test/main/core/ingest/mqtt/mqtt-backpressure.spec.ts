import { EventEmitter } from 'node:events'

import { afterEach, describe, expect, it } from 'vitest'

import { AuthThrottle } from '../../../../../src/main/core/auth/auth-throttle'
import { ReportIntake, type ReportSink } from '../../../../../src/main/core/ingest/intake'
import { MqttIngest } from '../../../../../src/main/core/ingest/mqtt/mqtt-ingest'
import {
  TokenDeviceAuthenticator,
  TokenTable
} from '../../../../../src/main/core/ingest/protocol/device-auth'
import { ReportParser } from '../../../../../src/main/core/ingest/protocol/report-parser'
import { silentLogger } from '../../../../../src/main/core/runtime/logger'
import type { StoredReport } from '../../../../../src/shared/ingest-protocol'
import { eventually } from '../../../../support/console'
import { mqttClients } from '../../../../support/mqtt'

/** A store the spec drives by hand: it holds every report until the spec says it is written. */
class HeldSink extends EventEmitter implements ReportSink {
  saturated = false
  readonly held: Array<{ report: StoredReport; done: (error?: Error) => void }> = []
  submit(report: StoredReport, done: (error?: Error) => void): void {
    this.held.push({ report, done })
  }
  writeAll(): void {
    for (const { done } of this.held.splice(0)) done()
  }
}

const clients = mqttClients()
let broker: MqttIngest | null = null
afterEach(async () => {
  await clients.cleanup()
  await broker?.stop()
  broker = null
})

async function start(sink: HeldSink): Promise<number> {
  const auth = new TokenDeviceAuthenticator(() => [TokenTable.fromTokens({})])
  broker = new MqttIngest({
    host: '127.0.0.1',
    port: 0,
    intake: new ReportIntake({
      parser: new ReportParser({ mode: 'open', identify: () => ({ ok: true, identity: 'anon' }) }),
      sink,
      maxMessageBytes: 65_536
    }),
    auth: { mode: 'open', tokens: auth },
    keys: { access: 'access-key-for-this-spec', view: 'view-key-for-this-spec' },
    throttle: new AuthThrottle(),
    logger: silentLogger()
  })
  return (await broker.start()).port
}

describe('MqttIngest under a full store', () => {
  it('holds the PUBACK of a report stored while the store is saturated, and reads nothing more from that client until it drains', async () => {
    const sink = new HeldSink()
    const port = await start(sink)
    const device = await clients.connect(port)
    const acked: number[] = []
    device.on('packetreceive', (p) => {
      if (p.cmd === 'puback') acked.push(p.messageId!)
    })
    const first = device.publishAsync('lookout/d', '{"n":1}', { qos: 1 })
    await eventually(() => sink.held.length === 1, 'the first report in the store')
    expect(acked).toEqual([])
    sink.saturated = true
    sink.writeAll()
    const second = device.publishAsync('lookout/d', '{"n":2}', { qos: 1 })
    // What must not happen has no event to await: a bounded wait, then nothing may have moved.
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(acked).toEqual([])
    expect(sink.held).toHaveLength(0)

    sink.saturated = false
    sink.emit('drain')
    await first
    await eventually(() => sink.held.length === 1, 'the second report, read after the drain')
    expect(sink.held[0]!.report).toMatchObject({ n: 2 })
    sink.writeAll()
    await second
    expect(acked).toHaveLength(2)
  })

  it('stops only once every report it handed to the store is answered', async () => {
    const sink = new HeldSink()
    const port = await start(sink)
    const device = await clients.connect(port)
    void device.publishAsync('lookout/d', '{"n":1}', { qos: 1 }).catch(() => undefined)
    await eventually(() => sink.held.length === 1, 'the report in the store')
    let stopped = false
    const stopping = broker!.stop().then(() => (stopped = true))
    broker = null
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(stopped).toBe(false)
    sink.writeAll()
    await stopping
    expect(stopped).toBe(true)
  })
})
