import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterEach, describe, expect, it } from 'vitest'

import { SocketBridge } from '../../../src/renderer/src/bridge/socket-bridge'

// The browser's alarm requests, each as the HTTP call the API documents (docs/alarms.md): a
// server that records what reached it and answers as it is told. The routes themselves are
// specified with the console (test/main/core/web/).

interface Seen {
  method: string
  url: string
  authorization: string | undefined
  body: unknown
}

const stops: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop()
})

async function recordingServer(
  answer: (seen: Seen) => { status: number; body?: unknown } = () => ({ status: 200, body: {} })
) {
  const seen: Seen[] = []
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let text = ''
    request.on('data', (chunk: Buffer) => (text += chunk.toString()))
    request.on('end', () => {
      const entry = {
        method: request.method!,
        url: request.url!,
        authorization: request.headers.authorization,
        body: text === '' ? undefined : (JSON.parse(text) as unknown)
      }
      seen.push(entry)
      const { status, body } = answer(entry)
      response.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' })
      response.end(body === undefined ? undefined : JSON.stringify(body))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  stops.push(() => new Promise((resolve) => server.close(() => resolve())))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { bridge: new SocketBridge(base, 'the-key'), seen }
}

describe('SocketBridge alarm requests', () => {
  it('sends each request to its route, with the key, ids encoded', async () => {
    const { bridge, seen } = await recordingServer()
    const rule = {
      name: 'Hot',
      devices: 'pump-*',
      field: 't',
      above: 90,
      severity: 'high' as const
    }
    await bridge.alarms({ state: 'active-unacked', device: 'pump 1' })
    await bridge.alarms({})
    await bridge.ackAlarm('hot/pump-1', { comment: 'seen' })
    await bridge.shelveAlarm('hot/pump-1', { minutes: 30 })
    await bridge.unshelveAlarm('hot/pump-1')
    await bridge.silenceAlarm('hot/pump-1')
    await bridge.setDeviceMaintenance('pump/1', { minutes: 60, comment: 'seal' })
    await bridge.alarmRules()
    await bridge.createAlarmRule(rule)
    await bridge.updateAlarmRule('hot', { ...rule, id: 'hot' })
    await bridge.deleteAlarmRule('hot')
    await bridge.previewAlarmRule(rule)
    await bridge.alarmEvents({ alarm: 'hot/pump-1', since: 5, limit: 10 })
    await bridge.alarmStats()

    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /api/alarms?state=active-unacked&device=pump+1',
      'GET /api/alarms',
      'POST /api/alarms/hot%2Fpump-1/ack',
      'POST /api/alarms/hot%2Fpump-1/shelve',
      'POST /api/alarms/hot%2Fpump-1/unshelve',
      'POST /api/alarms/hot%2Fpump-1/silence',
      'POST /api/devices/pump%2F1/maintenance',
      'GET /api/alarm-rules',
      'POST /api/alarm-rules',
      'PUT /api/alarm-rules/hot',
      'DELETE /api/alarm-rules/hot',
      'POST /api/alarm-rules/preview',
      'GET /api/alarm-events?alarm=hot%2Fpump-1&since=5&limit=10',
      'GET /api/alarms/stats'
    ])
    expect(seen.every((s) => s.authorization === 'Bearer the-key')).toBe(true)
    expect(seen.map((s) => s.body)).toEqual([
      undefined,
      undefined,
      { comment: 'seen' },
      { minutes: 30 },
      {},
      {},
      { minutes: 60, comment: 'seal' },
      undefined,
      rule,
      { ...rule, id: 'hot' },
      undefined,
      rule,
      undefined,
      undefined
    ])
  })

  it('answers the body, takes a 201 and an empty 204, and throws refusals with their code', async () => {
    const { bridge } = await recordingServer(({ method, url }) => {
      if (method === 'POST' && url === '/api/alarm-rules')
        return { status: 201, body: { id: 'hot', source: 'console' } }
      if (method === 'DELETE') return { status: 204 }
      if (url.endsWith('/ack'))
        return { status: 400, body: { error: 'bad_request', message: 'comment: required' } }
      if (url.endsWith('/silence'))
        return { status: 409, body: { error: 'conflict', message: 'nothing to silence' } }
      return { status: 404, body: { error: 'not_found', message: 'no such alarm' } }
    })
    const rule = { name: 'Hot', devices: '*', stale: 5, severity: 'low' as const }
    expect(await bridge.createAlarmRule(rule)).toEqual({ id: 'hot', source: 'console' })
    expect(await bridge.deleteAlarmRule('hot')).toBeUndefined()
    await expect(bridge.ackAlarm('a', {})).rejects.toMatchObject({
      code: 'bad_request',
      message: 'comment: required'
    })
    await expect(bridge.silenceAlarm('a')).rejects.toMatchObject({ code: 'conflict' })
    await expect(bridge.unshelveAlarm('a')).rejects.toMatchObject({
      code: 'not_found',
      message: 'no such alarm'
    })
  })
})
