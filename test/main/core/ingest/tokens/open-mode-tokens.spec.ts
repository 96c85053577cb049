import { afterEach, describe, expect, it } from 'vitest'

import { api, consoleFixture, type RunningConsole } from '../../../../support/console'
import { reportOnce } from '../../../../support/line-client'

const consoles = consoleFixture()
afterEach(() => consoles.cleanup())

let seq = 0
const report = (c: RunningConsole, fields: Record<string, unknown>) =>
  reportOnce(c.addresses.ingest.port, { seq: ++seq, ...fields })

describe('device tokens in open mode (tokens not required)', () => {
  it('honours auth when a report brings it, and stores a report without it as anonymous', async () => {
    const c = await consoles.start()
    const made = await api(c, '/api/device-tokens', {
      method: 'POST',
      body: JSON.stringify({ identity: 'line-9', devices: ['plc-9*'] })
    })
    expect(made.status).toBe(201)
    const token = made.body.token as string
    expect((await api(c, '/api/device-tokens')).body.required).toBe(false)

    expect(await report(c, { device: 'plc-9a', auth: token })).toEqual({ ack: seq })
    expect(await report(c, { device: 'pump-1' })).toEqual({ ack: seq })
    expect(await report(c, { device: 'plc-8', auth: token })).toEqual({
      error: 'unauthorized',
      message: 'this token may not report as device "plc-8"',
      seq
    })
    expect(await report(c, { device: 'plc-9a', auth: 'never-made-token-0123456789' })).toEqual({
      error: 'unauthorized',
      message: 'unknown device token',
      seq
    })

    const stored = async (device: string) =>
      (await c.core.operations.queryReports({ device })).map((r) => r.identity)
    expect(await stored('plc-9a')).toEqual(['line-9'])
    expect(await stored('pump-1')).toEqual(['anonymous'])
    expect(await stored('plc-8')).toEqual([])

    const listed = (await api(c, '/api/device-tokens')).body
    await api(c, `/api/device-tokens/${listed.tokens[0].id}`, { method: 'DELETE' })
    expect(await report(c, { device: 'plc-9a', auth: token })).toMatchObject({
      error: 'unauthorized',
      message: 'unknown device token'
    })
    expect(await report(c, { device: 'plc-9a' })).toEqual({ ack: seq })
  })
})
