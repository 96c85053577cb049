import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { MANAGED_TOKENS_FILE } from '../../../../../src/main/core/ingest/tokens/managed-tokens'
import { api, consoleFixture, VIEW_KEY, type RunningConsole } from '../../../../support/console'
import { reportOnce } from '../../../../support/line-client'

const consoles = consoleFixture()
afterEach(() => consoles.cleanup())

const report = (c: RunningConsole, fields: Record<string, unknown>) =>
  reportOnce(c.addresses.ingest.port, { seq: 1, ...fields })

describe('device tokens made in the console', () => {
  it('are made, required, limited to device ids, revoked — and kept as digests across restarts', async () => {
    const dataDir = await consoles.dirs.make()
    let c = await consoles.start({}, {}, dataDir)
    expect((await api(c, '/api/device-tokens', { key: VIEW_KEY })).status).toBe(403)
    expect((await api(c, '/api/device-tokens')).body).toEqual({
      required: false,
      fromFile: false,
      tokens: []
    })

    const made = await api(c, '/api/device-tokens', {
      method: 'POST',
      body: JSON.stringify({ identity: 'line-9', devices: ['plc-9*'] })
    })
    expect(made.status).toBe(201)
    const token = made.body.token as string
    expect(token).toMatch(/^[\w-]{32}$/)
    expect(made.body.info).toMatchObject({
      identity: 'line-9',
      devices: ['plc-9*'],
      hint: token.slice(0, 4) + '…'
    })
    // Open mode still: any device reports, as anonymous.
    expect(await report(c, { device: 'anything' })).toEqual({ ack: 1 })

    const required = await api(c, '/api/device-tokens/required', {
      method: 'PUT',
      body: JSON.stringify({ required: true })
    })
    expect(required.body.required).toBe(true)
    expect(await report(c, { device: 'plc-9a' })).toMatchObject({ error: 'unauthorized' })
    expect(await report(c, { device: 'plc-9a', auth: token })).toEqual({ ack: 1 })
    expect(await report(c, { device: 'plc-8', auth: token })).toMatchObject({
      error: 'unauthorized',
      message: 'this token may not report as device "plc-8"'
    })
    expect((await c.core.operations.queryReports({ device: 'plc-9a' }))[0]).toMatchObject({
      identity: 'line-9'
    })

    // The data dir holds a digest, never the token.
    const stored = await readFile(join(dataDir, MANAGED_TOKENS_FILE), 'utf8')
    expect(stored).not.toContain(token)
    await consoles.stop(c)
    c = await consoles.start({}, {}, dataDir)
    expect(await report(c, { device: 'plc-9b', auth: token })).toEqual({ ack: 1 })
    const listed = (await api(c, '/api/device-tokens')).body
    expect(listed).toMatchObject({ required: true, tokens: [{ identity: 'line-9' }] })
    expect(JSON.stringify(listed)).not.toContain(token)

    const revoked = await api(c, `/api/device-tokens/${listed.tokens[0].id}`, { method: 'DELETE' })
    expect(revoked.body.tokens).toEqual([])
    expect(await report(c, { device: 'plc-9a', auth: token })).toMatchObject({
      error: 'unauthorized',
      message: 'unknown device token'
    })
  })

  it('apply quick changes one after another: two revokes at once revoke both (found in review)', async () => {
    const c = await consoles.start()
    const made = await Promise.all(
      ['a', 'b', 'c'].map((identity) =>
        api(c, '/api/device-tokens', { method: 'POST', body: JSON.stringify({ identity }) })
      )
    )
    expect((await api(c, '/api/device-tokens')).body.tokens).toHaveLength(3)
    await Promise.all(
      made
        .slice(0, 2)
        .map((m) => api(c, `/api/device-tokens/${m.body.info.id}`, { method: 'DELETE' }))
    )
    const left = (await api(c, '/api/device-tokens')).body.tokens
    expect(left.map((t: { identity: string }) => t.identity)).toEqual(['c'])
  })

  it('refuse bad requests with a 4xx that says what is wrong', async () => {
    const c = await consoles.start()
    const post = (body: unknown) =>
      api(c, '/api/device-tokens', { method: 'POST', body: JSON.stringify(body) })
    expect(await post({ identity: '' })).toMatchObject({
      status: 400,
      body: { error: 'bad_request', message: 'identity: must not be empty' }
    })
    expect((await post({ identity: 'a', devices: 'plc-*' })).status).toBe(400)
    expect((await post({ identity: 'a', colour: 'red' })).status).toBe(400)
    expect(
      (
        await api(c, '/api/device-tokens/required', {
          method: 'PUT',
          body: JSON.stringify({ required: 'yes' })
        })
      ).status
    ).toBe(400)
    expect((await api(c, '/api/device-tokens/nope', { method: 'DELETE' })).status).toBe(404)
  })
})
