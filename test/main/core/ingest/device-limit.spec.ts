import { afterEach, describe, expect, it } from 'vitest'

import { consoleFixture } from '../../../support/console'
import { LineClient } from '../../../support/line-client'
import { capturingLogger } from '../../../support/log-lines'

const fixture = consoleFixture()
const clients: LineClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.destroy()
  await fixture.cleanup()
})

async function deviceClient(port: number): Promise<LineClient> {
  const client = await LineClient.connect(port)
  clients.push(client)
  return client
}

describe('the bound on device ids (--max-devices)', () => {
  it('refuses a new device beyond the limit with too_many_devices; known devices keep reporting', async () => {
    const { logger, lines } = capturingLogger()
    const c = await fixture.start({ maxDevices: 3 }, { logger })
    const d = await deviceClient(c.addresses.ingest.port)
    d.send({ device: 'a', seq: 1 }, { device: 'b', seq: 2 }, { device: 'c', seq: 3 })
    await d.waitForReplies(3)
    d.send({ device: 'd', seq: 4 }, { device: 'a', seq: 5 }, { device: 'e' })
    const replies = await d.waitForReplies(6)
    expect(replies.slice(0, 3)).toEqual([{ ack: 1 }, { ack: 2 }, { ack: 3 }])
    expect(replies.slice(3)).toEqual(
      expect.arrayContaining([
        { ack: 5 },
        {
          error: 'too_many_devices',
          seq: 4,
          message: expect.stringMatching(/at most 3 devices \(--max-devices/)
        },
        { error: 'too_many_devices', message: expect.stringContaining('at most 3 devices') }
      ])
    )
    expect(c.core.operations.devices().map((x) => [x.id, x.reports])).toEqual([
      ['a', 2],
      ['b', 1],
      ['c', 1]
    ])
    const refusals = lines.filter((l) => l.msg.startsWith('refused a report of a new device'))
    expect(refusals).toHaveLength(1)
    expect(refusals[0]).toMatchObject({ device: 'd', maxDevices: 3 })
  })

  it('counts new devices whose reports are still on their way to the store', async () => {
    const c = await fixture.start({ maxDevices: 2 })
    const d = await deviceClient(c.addresses.ingest.port)
    // One packet: all three are parsed before the first is stored.
    d.send({ device: 'x', seq: 1 }, { device: 'y', seq: 2 }, { device: 'z', seq: 3 })
    const replies = await d.waitForReplies(3)
    expect(replies).toEqual(
      expect.arrayContaining([
        { ack: 1 },
        { ack: 2 },
        expect.objectContaining({ error: 'too_many_devices', seq: 3 })
      ])
    )
  })

  it('logs one line for a flood of refusals, whatever its size', async () => {
    const { logger, lines } = capturingLogger()
    const c = await fixture.start({ maxDevices: 1 }, { logger })
    const d = await deviceClient(c.addresses.ingest.port)
    d.send({ device: 'known', seq: 0 })
    await d.waitForReplies(1)
    const flood = Array.from({ length: 2000 }, (_, i) => ({ device: `new-${i}`, seq: i + 1 }))
    d.send(...flood)
    const replies = await d.waitForReplies(2001)
    expect(replies.filter((r) => r.error === 'too_many_devices')).toHaveLength(2000)
    expect(lines.filter((l) => /refused/.test(l.msg))).toHaveLength(1)
    // What was left out is counted, and said when the console stops (or the minute ends).
    await fixture.cleanup()
    expect(lines.filter((l) => /refused/.test(l.msg)).map((l) => l.msg)).toEqual([
      expect.stringMatching(/^refused a report of a new device/),
      expect.stringMatching(/^refused 1999 more reports of new devices in the last \d+ s/)
    ])
  })
})
