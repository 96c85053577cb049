import { afterEach, describe, expect, it } from 'vitest'

import type { Alarm } from '../../../../../src/shared/alarm-types'
import {
  api,
  eventually,
  startConsole,
  VIEW_KEY,
  type RunningConsole
} from '../../../../support/console'
import { LineClient } from '../../../../support/line-client'
import { tempDirs } from '../../../../support/temp-dir'

const dirs = tempDirs()
const running: RunningConsole[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()))
  await dirs.cleanup()
})

const HOT = {
  id: 'hot',
  name: 'hot',
  devices: 'pump-*',
  field: 'temp',
  above: 80,
  severity: 'high'
}

/** A console with the rule HOT and one alarm of it raised on pump-1. */
async function withAlarm(): Promise<{ c: RunningConsole; alarm: Alarm }> {
  const c = await startConsole(await dirs.make())
  running.push(c)
  expect(
    (await api(c, '/api/alarm-rules', { method: 'POST', body: JSON.stringify(HOT) })).status
  ).toBe(201)
  const d = await LineClient.connect(c.addresses.ingest.port)
  d.send({ device: 'pump-1', seq: 1, temp: 90 })
  await d.waitForReplies(1)
  d.close()
  let alarms: Alarm[] = []
  await eventually(async () => {
    alarms = (await api(c, '/api/alarms')).body
    return alarms.length === 1
  }, 'the alarm')
  return { c, alarm: alarms[0]! }
}

const post = (body: unknown = {}): RequestInit => ({ method: 'POST', body: JSON.stringify(body) })

describe('the alarms API', () => {
  it('lets the view key read everything and do nothing', async () => {
    const { c, alarm } = await withAlarm()
    const asViewer = { key: VIEW_KEY }
    for (const path of [
      '/api/alarms',
      '/api/alarms/stats',
      '/api/alarm-rules',
      '/api/alarm-events'
    ])
      expect((await api(c, path, asViewer)).status, path).toBe(200)
    const writes: Array<[string, RequestInit]> = [
      [`/api/alarms/${alarm.id}/ack`, post()],
      [`/api/alarms/${alarm.id}/shelve`, post({ minutes: 5 })],
      [`/api/alarms/${alarm.id}/unshelve`, post()],
      [`/api/alarms/${alarm.id}/silence`, post()],
      ['/api/devices/pump-1/maintenance', post({ minutes: 5 })],
      ['/api/alarm-rules', post({ ...HOT, id: 'other' })],
      ['/api/alarm-rules', { method: 'PUT', body: JSON.stringify({ rules: [] }) }],
      ['/api/alarm-rules/hot', { method: 'PUT', body: JSON.stringify(HOT) }],
      ['/api/alarm-rules/hot', { method: 'DELETE' }],
      ['/api/alarm-rules/preview', post(HOT)]
    ]
    for (const [path, init] of writes) {
      const res = await api(c, path, { ...init, ...asViewer })
      expect([init.method, path, res.status, res.body.error]).toEqual([
        init.method,
        path,
        403,
        'forbidden'
      ])
    }
    // Nothing changed.
    expect((await api(c, '/api/alarms')).body).toEqual([
      expect.objectContaining({ id: alarm.id, state: 'active-unacked' })
    ])
    expect((await api(c, '/api/alarm-rules')).body.map((r: { id: string }) => r.id)).toEqual([
      'hot'
    ])
  })

  it('answers 400 naming the field, 404 for an unknown id, 409 for an action that does not fit', async () => {
    const { c, alarm } = await withAlarm()
    const shelveTooLong = await api(c, `/api/alarms/${alarm.id}/shelve`, post({ minutes: 600 }))
    expect(shelveTooLong.status).toBe(400)
    expect(shelveTooLong.body.message).toMatch(/minutes/)
    const badRule = await api(c, '/api/alarm-rules', post({ ...HOT, id: 'x', above: 'hot' }))
    expect([badRule.status, badRule.body.message]).toEqual([400, 'above: expected a number'])
    expect((await api(c, '/api/alarms/nope/ack', post())).status).toBe(404)
    expect((await api(c, '/api/devices/nobody/maintenance', post({ minutes: 5 }))).status).toBe(404)
    expect((await api(c, '/api/alarm-rules/nope', { method: 'DELETE' })).status).toBe(404)

    const ack = await api(c, `/api/alarms/${alarm.id}/ack`, post({ comment: 'on it' }))
    expect(ack.body).toMatchObject({ state: 'active-acked', ackedBy: 'operator', comment: 'on it' })
    const again = await api(c, `/api/alarms/${alarm.id}/ack`, post())
    expect([again.status, again.body.error]).toEqual([409, 'conflict'])
    expect((await api(c, `/api/alarms/${alarm.id}/unshelve`, post())).status).toBe(409)
    const duplicate = await api(c, '/api/alarm-rules', post(HOT))
    expect([duplicate.status, duplicate.body.error]).toEqual([409, 'conflict'])
  })

  it('puts a device in maintenance: its alarms out of service until it ends', async () => {
    const { c, alarm } = await withAlarm()
    const set = await api(
      c,
      '/api/devices/pump-1/maintenance',
      post({ minutes: 30, comment: 'swap' })
    )
    expect(set.body).toMatchObject({ device: 'pump-1', until: expect.any(Number), comment: 'swap' })
    expect((await api(c, '/api/alarms')).body).toEqual([
      expect.objectContaining({ id: alarm.id, state: 'out-of-service' })
    ])
    expect((await api(c, `/api/alarms/${alarm.id}/shelve`, post({ minutes: 5 }))).status).toBe(409)
    const ended = await api(c, '/api/devices/pump-1/maintenance', post({ minutes: 0 }))
    expect(ended.body.until).toBeNull()
    // Back in service and still active: it calls for attention again.
    expect((await api(c, '/api/alarms')).body).toEqual([
      expect.objectContaining({ id: alarm.id, state: 'active-unacked' })
    ])
  })

  it('gives the audit trail as NDJSON beside JSON and CSV, and refuses another format', async () => {
    const { c, alarm } = await withAlarm()
    await api(c, `/api/alarms/${alarm.id}/ack`, post({ comment: 'on it' }))
    const json = (await api(c, `/api/alarm-events?alarm=${encodeURIComponent(alarm.id)}`)).body
    const res = await fetch(`${c.base}/api/alarm-events?format=ndjson&alarm=${alarm.id}`, {
      headers: { authorization: `Bearer ${VIEW_KEY}` }
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8')
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="alarm-events-\d{4}-\d{2}-\d{2}\.ndjson"$/
    )
    const lines = (await res.text()).trimEnd().split('\n')
    expect(lines.map((l) => JSON.parse(l))).toEqual(json)
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(['raised', 'acked'])
    const refused = await api(c, '/api/alarm-events?format=xml')
    expect([refused.status, refused.body.message]).toEqual([
      400,
      'format: must be json, csv or ndjson'
    ])
  })
})
