import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import type { Alarm, AlarmEvent } from '../../../../../src/shared/alarm-types'
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

  it('records who made, changed and deleted each rule, and no change for a rule sent as it was', async () => {
    const c = await startConsole(await dirs.make())
    running.push(c)
    const asJane = '?operator=jane'
    expect((await api(c, `/api/alarm-rules${asJane}`, post(HOT))).status).toBe(201)
    // The same rule, its keys in another order: not a change.
    const reversed = Object.fromEntries(Object.entries(HOT).reverse())
    const resent = await api(c, '/api/alarm-rules/hot?operator=kim', {
      method: 'PUT',
      body: JSON.stringify(reversed)
    })
    expect(resent.status).toBe(200)
    const changed = await api(c, '/api/alarm-rules/hot?operator=kim', {
      method: 'PUT',
      body: JSON.stringify({ ...HOT, above: 85 })
    })
    expect(changed.body).toMatchObject({ id: 'hot', above: 85 })
    expect((await api(c, '/api/alarm-rules', post({ ...HOT, id: 'cold' }))).status).toBe(201)
    const replaced = await api(c, '/api/alarm-rules?operator=lee', {
      method: 'PUT',
      body: JSON.stringify({ rules: [{ ...HOT, above: 85 }] })
    })
    expect(replaced.status).toBe(200)
    expect((await api(c, `/api/alarm-rules/hot${asJane}`, { method: 'DELETE' })).status).toBe(200)
    const events: AlarmEvent[] = (await api(c, '/api/alarm-events')).body
    expect(events.map((e) => [e.type, e.rule, e.by, e.via])).toEqual([
      ['rule-created', 'hot', 'jane', 'api'],
      ['rule-changed', 'hot', 'kim', 'api'],
      ['rule-created', 'cold', 'operator', 'api'],
      ['rule-deleted', 'cold', 'lee', 'api'],
      ['rule-deleted', 'hot', 'jane', 'api']
    ])
    expect(events[1]!.detail).toMatchObject({ id: 'hot', above: 85 })
    const badName = await api(c, `/api/alarm-rules?operator=${'x'.repeat(65)}`, post(HOT))
    expect([badName.status, badName.body.message]).toEqual([400, 'operator: at most 64 characters'])
  })

  it('filters the alarms by state, severity and device', async () => {
    const { c, alarm } = await withAlarm()
    const leak = { id: 'leak', name: 'leak', devices: 'tank-*', field: 'level', above: 5 }
    await api(c, '/api/alarm-rules', post({ ...leak, severity: 'critical' }))
    const d = await LineClient.connect(c.addresses.ingest.port)
    d.send({ device: 'pump-2', seq: 1, temp: 95 })
    d.send({ device: 'tank-1', seq: 1, level: 9 })
    await d.waitForReplies(2)
    d.close()
    await eventually(async () => (await api(c, '/api/alarms')).body.length === 3, 'three alarms')
    const pump2 = (await api(c, '/api/alarms?device=pump-2')).body[0] as Alarm
    await api(c, `/api/alarms/${pump2.id}/ack`, post())
    const ids = async (query: string): Promise<string[]> =>
      ((await api(c, `/api/alarms${query}`, { key: VIEW_KEY })).body as Alarm[]).map(
        (a) => a.device
      )
    expect(await ids('?state=active-acked')).toEqual(['pump-2'])
    expect(await ids('?severity=critical')).toEqual(['tank-1'])
    expect(await ids('?device=pump-1')).toEqual([alarm.device])
    expect(await ids('?state=active-unacked&severity=high')).toEqual(['pump-1'])
    expect((await ids('?state=active-unacked')).sort()).toEqual(['pump-1', 'tank-1'])
    expect(await ids('?state=shelved')).toEqual([])
    const bad = await api(c, '/api/alarms?state=burning')
    expect([bad.status, bad.body.message]).toEqual([
      400,
      'state: expected one of normal, active-unacked, active-acked, cleared-unacked, shelved, out-of-service'
    ])
  })

  it('gives the audit trail of a time range (since, until: epoch ms or ISO)', async () => {
    const { c, alarm } = await withAlarm()
    const events = async (query: string): Promise<AlarmEvent[]> =>
      (await api(c, `/api/alarm-events?alarm=${alarm.id}${query}`)).body
    const [raised] = await events('')
    // The ack a millisecond or more after the raise, so a bound can fall between them.
    await eventually(async () => Date.now() > raised!.time, 'the clock past the raise')
    await api(c, `/api/alarms/${alarm.id}/ack`, post())
    const all = await events('')
    expect(all.map((e) => e.type)).toEqual(['raised', 'acked'])
    const acked = all[1]!
    expect((await events(`&since=${acked.time}`)).map((e) => e.type)).toEqual(['acked'])
    expect((await events(`&until=${raised!.time}`)).map((e) => e.type)).toEqual(['raised'])
    const iso = new Date(acked.time).toISOString()
    expect((await events(`&since=${iso}`)).map((e) => e.type)).toEqual(['acked'])
    expect((await events(`&since=${acked.time + 1}`)).map((e) => e.type)).toEqual([])
    const backwards = await api(c, `/api/alarm-events?since=${acked.time}&until=${raised!.time}`)
    expect([backwards.status, backwards.body.message]).toEqual([
      400,
      'since: must not be after until'
    ])
  })

  it('counts in diagnostics the reports a rule could not evaluate, and why the rules file was refused', async () => {
    const dir = await dirs.make()
    const file = join(dir, 'rules.json')
    await writeFile(file, JSON.stringify({ rules: [HOT] }, null, 2))
    const c = await startConsole(dir, { alarmRulesFile: file })
    running.push(c)
    const alarms = async () => (await api(c, '/api/diagnostics')).body.alarms
    expect(await alarms()).toMatchObject({ rules: 1, notEvaluated: 0, rulesFileError: null })
    const d = await LineClient.connect(c.addresses.ingest.port)
    d.send({ device: 'pump-1', seq: 1, temp: 'hot' })
    d.send({ device: 'pump-1', seq: 2 })
    d.send({ device: 'pump-1', seq: 3, temp: 20 })
    await d.waitForReplies(3)
    d.close()
    expect(await alarms()).toMatchObject({ notEvaluated: 2 })
    await writeFile(file, JSON.stringify({ rules: [{ ...HOT, above: 'eighty' }] }, null, 2))
    await eventually(async () => (await alarms()).rulesFileError !== null, 'the refusal')
    expect(await alarms()).toMatchObject({
      rules: 1,
      rulesFileError: expect.stringMatching(
        /rules\[0\] \(hot\) at line 8, column 16: above: expected a number$/
      )
    })
  })

  it('previews a rule on every device it matches, however many', async () => {
    const c = await startConsole(await dirs.make())
    running.push(c)
    const d = await LineClient.connect(c.addresses.ingest.port)
    for (let i = 1; i <= 300; i++)
      d.send({ device: `pump-${i}`, seq: 1, temp: i % 3 === 0 ? 90 : 20 })
    d.send({ device: 'tank-1', seq: 1, temp: 99 })
    await d.waitForReplies(301)
    d.close()
    const preview = await api(c, '/api/alarm-rules/preview', post(HOT))
    expect(preview.body.matched).toBe(300)
    expect(preview.body.devices).toHaveLength(100)
    expect(preview.body.devices).toEqual(expect.arrayContaining(['pump-3', 'pump-150', 'pump-300']))
    expect(preview.body.devices).not.toContain('pump-1')
  })

  it('names the audit trail file by the console’s clock', async () => {
    const c = await startConsole(await dirs.make(), {}, { now: () => Date.UTC(2031, 4, 6, 23, 59) })
    running.push(c)
    for (const format of ['csv', 'ndjson']) {
      const res = await fetch(`${c.base}/api/alarm-events?format=${format}`, {
        headers: { authorization: `Bearer ${VIEW_KEY}` }
      })
      expect(res.headers.get('content-disposition')).toBe(
        `attachment; filename="alarm-events-2031-05-06.${format}"`
      )
      await res.text()
    }
  })
})
