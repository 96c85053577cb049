import { afterEach, describe, expect, it } from 'vitest'

import { api, consoleFixture } from '../../../../support/console'

const consoles = consoleFixture()
afterEach(() => consoles.cleanup())

describe('ids named in the alarms API', () => {
  it('refuses an id longer than 128 characters as bad_request, never echoing it', async () => {
    const c = await consoles.start()
    const long = 'x'.repeat(5000)
    const post = { method: 'POST', body: JSON.stringify({ minutes: 5 }) }
    for (const [path, init] of [
      [`/api/alarms/${long}/ack`, post],
      [`/api/alarms/${long}/shelve`, post],
      [`/api/alarm-rules/${long}`, { method: 'DELETE' }],
      [`/api/devices/${long}/maintenance`, post]
    ] as const) {
      const res = await api(c, path, init)
      expect([res.status, res.body.error, res.body.message]).toEqual([
        400,
        'bad_request',
        'id: at most 128 characters'
      ])
    }
    // 128 is still an id: looked up, and not found.
    const longest = await api(c, `/api/alarms/${'x'.repeat(128)}/ack`, {
      method: 'POST',
      body: '{}'
    })
    expect([longest.status, longest.body.error]).toEqual([404, 'not_found'])
  })
})
