import { once } from 'node:events'
import { connect, createServer, type Server, type Socket } from 'node:net'

import { writeToStream } from 'mqtt-packet'
import { afterEach, describe, expect, it } from 'vitest'

import { FrameWatch } from '../../../../../src/main/core/ingest/mqtt/frame-watch'
import { GatedConnection } from '../../../../../src/main/core/ingest/mqtt/gated-connection'

const open: Array<Server | Socket> = []
afterEach(() => {
  for (const thing of open.splice(0))
    if ('destroy' in thing) thing.destroy()
    else thing.close()
})

/** A real connection on 127.0.0.1: the broker's end, and the client's. */
async function pair(): Promise<{ broker: Socket; client: Socket }> {
  const server = createServer()
  open.push(server)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  const accepted = once(server, 'connection') as Promise<[Socket]>
  const client = connect(port, '127.0.0.1')
  const [broker] = await accepted
  open.push(client, broker)
  return { broker, client }
}

describe('GatedConnection', () => {
  it('sends the acknowledgements written in one tick in one write, byte for byte', async () => {
    const { broker, client } = await pair()
    const writes: number[] = []
    const write = broker.write.bind(broker) as (data: Buffer) => boolean
    broker.write = ((data: Buffer) => {
      writes.push(data.length)
      return write(data)
    }) as typeof broker.write
    const connection = new GatedConnection(broker, new FrameWatch(1000), () => undefined)
    const received: Buffer[] = []
    client.on('data', (chunk: Buffer) => received.push(chunk))

    // As aedes answers one store batch: a PUBACK per report, each written by mqtt-packet in
    // pieces within a cork it lifts on the next tick.
    for (let id = 1; id <= 100; id++) writeToStream({ cmd: 'puback', messageId: id }, connection)
    await new Promise((resolve) => setImmediate(resolve))

    expect(writes).toEqual([400])
    while (Buffer.concat(received).length < 400) await once(client, 'data')
    const bytes = Buffer.concat(received)
    for (let id = 1; id <= 100; id++)
      expect([...bytes.subarray((id - 1) * 4, id * 4)]).toEqual([0x40, 2, id >> 8, id & 0xff])
  })
})
