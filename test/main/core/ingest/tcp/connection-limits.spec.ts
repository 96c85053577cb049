import { afterEach, describe, expect, it, vi } from 'vitest'

import { ingestFixture } from '../../../../support/ingest'

const fixture = ingestFixture()
const { client } = fixture
const rig = (limits: NonNullable<Parameters<typeof fixture.rig>[0]>['limits']) =>
  fixture.rig({ limits })
afterEach(async () => {
  vi.useRealTimers()
  await fixture.cleanup()
})

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('ingest limits', () => {
  it('refuses connections over the per-address limit with a clear reply, and serves the others', async () => {
    const { port } = await rig({ maxConnectionsPerAddress: 3, limitLoopback: true })
    const allowed = [await client(port), await client(port), await client(port)]
    await wait(50)
    const refused = await client(port)
    expect(await refused.waitForReplies(1)).toEqual([
      {
        error: 'unavailable',
        message: expect.stringMatching(/at most 3 connections from one address/)
      }
    ])
    await refused.waitForClose()
    allowed[0]!.send({ device: 'a', seq: 1 })
    expect(await allowed[0]!.waitForReplies(1)).toEqual([{ ack: 1 }])
    allowed[1]!.close()
    await wait(100)
    const next = await client(port) // a slot came free
    next.send({ device: 'b', seq: 1 })
    expect(await next.waitForReplies(1)).toEqual([{ ack: 1 }])
  })

  it('exempts this machine’s own address from the per-address limit by default', async () => {
    const { port } = await rig({ maxConnectionsPerAddress: 2 })
    const local = [await client(port), await client(port), await client(port)]
    local[2]!.send({ device: 'sim-3', seq: 1 })
    expect(await local[2]!.waitForReplies(1)).toEqual([{ ack: 1 }])
  })

  it('refuses connections over the total limit', async () => {
    const { port } = await rig({ maxConnections: 2 })
    await client(port)
    await client(port)
    await wait(50)
    const refused = await client(port)
    expect((await refused.waitForReplies(1))[0]).toMatchObject({
      error: 'unavailable',
      message: expect.stringMatching(/at most 2 device connections/)
    })
  })

  it('closes a connection that sends nothing for the idle time, not one that keeps reporting', async () => {
    const { port } = await rig({ idleTimeoutMs: 300 })
    const quiet = await client(port)
    const busy = await client(port)
    for (let i = 0; i < 8; i++) {
      busy.send({ device: 'busy', seq: i })
      await wait(100)
    }
    await quiet.waitForClose(1000)
    expect(busy.closed).toBe(false)
    expect(busy.replies).toHaveLength(8)
  })

  it('closes a connection that holds an unfinished line open (slow-loris), not one whose lines merely span packets', async () => {
    const { port } = await rig({ partialLineTimeoutMs: 300 })
    const loris = await client(port)
    loris.write('{"device":"slow","seq":1,"v":')
    const honest = await client(port)
    for (let i = 0; i < 12; i++) {
      // every packet ends halfway through a line, the next one finishes it and starts another
      honest.write(`${i === 0 ? '' : '2}\n'}{"device":"ok","seq":${i},"v":`)
      await wait(60)
    }
    honest.write('2}\n')
    await loris.waitForClose(2000)
    expect(honest.closed).toBe(false)
    expect((await honest.waitForReplies(12)).map((r) => r.ack)).toEqual(
      Array.from({ length: 12 }, (_, i) => i)
    )
  })

  it('times an unfinished line by the injected clock: open at 59 s, closed past 60 s', async () => {
    // Only the sweep's timer is faked: sockets, the store and the replies run for real, and the
    // clock the server was given is the only time it may read.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    let clock = 1_000
    const advance = (ms: number): void => {
      clock += ms
      vi.advanceTimersByTime(ms)
    }
    const { port } = await fixture.rig({
      now: () => clock,
      limits: { partialLineTimeoutMs: 60_000 }
    })
    const loris = await client(port)
    // A whole report, then the start of the next: its ack means the console holds that start.
    loris.write('{"device":"slow","seq":1}\n{"device":"slow","seq":2,')
    expect(await loris.waitForReplies(1)).toEqual([{ ack: 1 }])
    advance(59_000)
    // Still open: the line is finished and acked, and the next one begun.
    loris.write('"v":1}\n{"device":"slow","seq":3,')
    expect(await loris.waitForReplies(2)).toEqual([{ ack: 1 }, { ack: 2 }])
    advance(59_000) // the line begun at 59 s is 59 s old: still within the timeout
    loris.write('"v":1}\n{"device":"slow","seq":4,')
    expect(await loris.waitForReplies(3)).toEqual([{ ack: 1 }, { ack: 2 }, { ack: 3 }])
    advance(60_001)
    await loris.waitForClose(2000)
  })
})
