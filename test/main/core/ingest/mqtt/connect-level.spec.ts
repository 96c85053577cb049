import { connect } from 'node:net'

import { afterEach, describe, expect, it } from 'vitest'

import { ConnectLevel } from '../../../../../src/main/core/ingest/mqtt/connect-level'
import { consoleFixture } from '../../../../support/console'
import { mosquittoBrokers } from '../../../../support/mosquitto-broker'
import { mosquittoBrokerAvailable } from '../../../../support/mqtt'

/** A CONNECT of protocol `name` and `level`, clean session, keepalive 10 s, client id "c". */
function connectPacket(name: string, level: number): Buffer {
  const body = Buffer.concat([
    Buffer.from([0, name.length]),
    Buffer.from(name, 'latin1'),
    Buffer.from([level, 0x02, 0, 10, 0, 1]),
    Buffer.from('c')
  ])
  return Buffer.concat([Buffer.from([0x10, body.length]), body])
}

describe('ConnectLevel', () => {
  it('refuses a CONNECT of a level the parser does not know, however its bytes are cut', () => {
    for (const [name, level, verdict] of [
      ['MQTT', 4, 'acceptable'],
      ['MQTT', 5, 'acceptable'],
      ['MQIsdp', 3, 'acceptable'],
      ['MQTT', 0x84, 'acceptable'],
      ['MQTT', 9, 'unacceptable'],
      ['MQTT', 0, 'unacceptable'],
      ['MQIsdp', 7, 'unacceptable'],
      ['XQTT', 9, 'acceptable'] // refused by the parser for its name, not here
    ] as const) {
      const packet = connectPacket(name, level)
      expect(new ConnectLevel().take(packet)).toBe(verdict)
      // Byte by byte: pending until the level has come, then the same verdict.
      const split = new ConnectLevel()
      const verdicts = [...packet].map((byte) => split.take(Buffer.from([byte])))
      expect(verdicts.at(-1)).toBe(verdict)
      expect(verdicts.filter((v) => v === 'pending').length).toBeLessThan(packet.length)
    }
  })

  it('looks no further than the first packet when it is not a CONNECT', () => {
    const level = new ConnectLevel()
    expect(level.take(Buffer.from([0xc0, 0x00]))).toBe('acceptable') // PINGREQ
    expect(level.take(connectPacket('MQTT', 9))).toBe('acceptable')
  })
})

const available = mosquittoBrokerAvailable()
const consoles = consoleFixture()
const brokers = mosquittoBrokers()
afterEach(async () => {
  await brokers.cleanup()
  await consoles.cleanup()
})

/** Sends `bytes` and collects all the broker answers until it closes the connection. */
function answerTo(port: number, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes))
    const got: Buffer[] = []
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`port ${port} did not close within 5 s`))
    }, 5000)
    socket.on('data', (chunk) => got.push(chunk))
    socket.on('error', () => undefined)
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(Buffer.concat(got))
    })
  })
}

describe('a CONNECT of an unknown protocol level, against Debian’s Mosquitto', () => {
  it.skipIf(!available)('is answered CONNACK 0x01 and closed, by both brokers', async () => {
    const [reference, c] = await Promise.all([brokers.start(), consoles.start({ mqttPort: 0 })])
    const port = c.addresses.transports.find((t) => t.protocol === 'mqtt')!.port
    const packet = connectPacket('MQTT', 9)
    const [theirs, ours] = await Promise.all([
      answerTo(reference.port, packet),
      answerTo(port, packet)
    ])
    expect([...theirs]).toEqual([0x20, 0x02, 0x00, 0x01])
    expect([...ours]).toEqual([...theirs])
    // A CONNECT of 3.1.1 right after is taken as ever.
    const accepted = await new Promise<Buffer>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(connectPacket('MQTT', 4)))
      socket.once('data', (chunk) => {
        socket.destroy()
        resolve(chunk)
      })
    })
    expect([...accepted]).toEqual([0x20, 0x02, 0x00, 0x00])
  })
})
