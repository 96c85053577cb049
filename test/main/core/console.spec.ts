import { connect, createServer, type Server } from 'node:net'

import { afterEach, describe, expect, it } from 'vitest'

import { resolveConfig } from '../../../src/main/core/config'
import { LookoutConsole } from '../../../src/main/core/console'
import type { AlarmOperations } from '../../../src/main/core/operations/alarm-operations'
import type { ConsoleOperations } from '../../../src/main/core/console-operations'
import type { SourceOperations } from '../../../src/main/core/operations/source-operations'
import { ACCESS_KEY, consoleFixture, VIEW_KEY } from '../../support/console'
import { LineClient } from '../../support/line-client'
import { capturingLogger } from '../../support/log-lines'

const fixture = consoleFixture()
const closers: Array<() => unknown> = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
  await fixture.cleanup()
})

/** Whether a TCP connection to 127.0.0.1:port is refused (nothing listens there). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(true))
  })
}

/** A console on free ports that was never started. */
async function unstarted(ingestPort = 0): Promise<LookoutConsole> {
  return new LookoutConsole(
    resolveConfig({
      host: '127.0.0.1',
      ingestPort,
      webPort: 0,
      dataDir: await fixture.dirs.make(),
      accessKey: ACCESS_KEY,
      viewKey: VIEW_KEY
    })
  )
}

/** Every alarm operation, each asked with a well-formed request. */
const EVERY_ALARM_OPERATION: Record<keyof AlarmOperations, (o: AlarmOperations) => unknown> = {
  list: (o) => o.list({}),
  ack: (o) => o.ack('a-1', {}, 'api'),
  shelve: (o) => o.shelve('a-1', { minutes: 10 }, 'api'),
  unshelve: (o) => o.unshelve('a-1', {}, 'api'),
  silence: (o) => o.silence('a-1', {}, 'api'),
  maintenance: (o) => o.maintenance('pump-7', { minutes: 10 }, 'api'),
  rules: (o) => o.rules(),
  createRule: (o) =>
    o.createRule({ name: 'hot', devices: '*', field: 't', above: 1, severity: 'low' }, 'api'),
  updateRule: (o) =>
    o.updateRule(
      'hot',
      { id: 'hot', name: 'hot', devices: '*', field: 't', above: 1, severity: 'low' },
      'api'
    ),
  replaceRules: (o) => o.replaceRules({ rules: [] }, 'api'),
  deleteRule: (o) => o.deleteRule('hot', 'api'),
  preview: (o) => o.preview({ name: 'hot', devices: '*', field: 't', above: 1, severity: 'low' }),
  events: (o) => o.events({}),
  exportEvents: (o) => o.exportEvents({ format: 'csv' }),
  stats: (o) => o.stats()
}

const MODBUS_SOURCE = {
  id: 'plc-1',
  type: 'modbus',
  device: 'plc-1',
  host: '127.0.0.1',
  registers: [{ field: 't', kind: 'holding', address: 0 }]
}

/** Every source operation, each asked with a well-formed request. */
const EVERY_SOURCE_OPERATION: Record<keyof SourceOperations, (o: SourceOperations) => unknown> = {
  list: (o) => o.list(),
  create: (o) => o.create(MODBUS_SOURCE),
  update: (o) => o.update('plc-1', MODBUS_SOURCE),
  remove: (o) => o.remove('plc-1')
}

/** Every operation, each asked with a well-formed request (the alarms' one by one). */
const EVERY_OPERATION: Record<
  | Exclude<keyof ConsoleOperations, 'alarms' | 'sources'>
  | `alarms.${keyof AlarmOperations}`
  | `sources.${keyof SourceOperations}`,
  (o: ConsoleOperations) => unknown
> = {
  ...(Object.fromEntries(
    Object.entries(EVERY_SOURCE_OPERATION).map(([name, ask]) => [
      `sources.${name}`,
      (o: ConsoleOperations) => ask(o.sources)
    ])
  ) as Record<`sources.${keyof SourceOperations}`, (o: ConsoleOperations) => unknown>),
  ...(Object.fromEntries(
    Object.entries(EVERY_ALARM_OPERATION).map(([name, ask]) => [
      `alarms.${name}`,
      (o: ConsoleOperations) => ask(o.alarms)
    ])
  ) as Record<`alarms.${keyof AlarmOperations}`, (o: ConsoleOperations) => unknown>),
  info: (o) => o.info(),
  subscribeLive: (o) => o.subscribeLive(() => undefined),
  queryReports: (o) => o.queryReports({}),
  series: (o) => o.series({ device: 'pump-7', fields: ['t'] }),
  exportReports: (o) => o.exportReports({}),
  devices: (o) => o.devices(),
  devicePage: (o) => o.devicePage({ limit: 10 }),
  deviceEvents: (o) => o.deviceEvents('pump-7'),
  sendMessage: (o) => o.sendMessage({ data: 'hello' }),
  messageStatus: (o) => o.messageStatus('m-1'),
  pushClients: (o) => o.pushClients(),
  deviceTokens: (o) => o.deviceTokens(),
  createDeviceToken: (o) => o.createDeviceToken({ identity: 'line-3' }),
  revokeDeviceToken: (o) => o.revokeDeviceToken('t-1'),
  setDeviceTokensRequired: (o) => o.setDeviceTokensRequired({ required: true }),
  diagnostics: (o) => o.diagnostics()
}

/** The code each operation answers with (thrown or rejected), `ok` when it answered. */
async function codes(operations: ConsoleOperations): Promise<Record<string, string>> {
  const answers: Record<string, string> = {}
  for (const [name, ask] of Object.entries(EVERY_OPERATION)) {
    try {
      await ask(operations)
      answers[name] = 'ok'
    } catch (error) {
      answers[name] = String((error as { code?: unknown }).code)
    }
  }
  return answers
}

const allNotRunning = Object.fromEntries(
  Object.keys(EVERY_OPERATION).map((n) => [n, 'not_running'])
)

describe('LookoutConsole lifecycle', () => {
  it('answers every operation with not_running before start()', async () => {
    const core = await unstarted()
    expect(await codes(core.operations)).toEqual(allNotRunning)
    await expect(core.operations.queryReports({})).rejects.toMatchObject({
      code: 'not_running',
      message: 'the console is not running'
    })
  })

  it('answers every operation with not_running after stop(), none reaching a closed part', async () => {
    const c = await fixture.start()
    const d = await LineClient.connect(c.addresses.ingest.port)
    closers.push(() => d.close())
    d.send({ device: 'pump-7', seq: 1 })
    await d.waitForReplies(1)
    const before = await codes(c.core.operations)
    // Running, they answer (an unknown message or token is the request's fault, not the state's).
    expect(before).toMatchObject({ queryReports: 'ok', info: 'ok', diagnostics: 'ok' })
    expect(before.sendMessage).toBe('ok')
    expect(before.messageStatus).toBe('not_found')

    await fixture.stop(c)
    expect(await codes(c.core.operations)).toEqual(allNotRunning)
    // Operations held from before the stop (an adapter's) are the same object: refused too.
    await expect(c.core.operations.sendMessage({ data: 'late' })).rejects.toMatchObject({
      code: 'not_running'
    })
  })

  it('refuses a second start(), while running and after stop(), and keeps the first running', async () => {
    const c = await fixture.start()
    await expect(c.core.start()).rejects.toThrow(/started already/)
    expect((await c.core.operations.queryReports({})).length).toBe(0)
    expect(c.core.operations.info().web.port).toBe(c.addresses.web.port)

    await fixture.stop(c)
    await expect(c.core.start()).rejects.toThrow(/started already/)
    expect(await codes(c.core.operations)).toEqual(allNotRunning)
  })

  it('stops what a failed start had built: the data dir is free again, the web port closed', async () => {
    const squatter: Server = createServer()
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve))
    closers.push(() => new Promise((resolve) => squatter.close(resolve)))
    const port = (squatter.address() as { port: number }).port
    const core = await unstarted(port)
    await expect(core.start()).rejects.toMatchObject({ code: 'EADDRINUSE' })
    expect(await codes(core.operations)).toEqual(allNotRunning)
    await core.stop() // nothing left to stop

    // The lock was released: another console opens the same data dir.
    const again = await fixture.start({}, {}, core.config.dataDir)
    expect(again.core.operations.info().version).toEqual(expect.any(String))
  })

  it('lets stop() be called before start() and twice', async () => {
    const core = await unstarted()
    await core.stop()
    const c = await fixture.start()
    await c.core.stop()
    await c.core.stop()
    expect(await codes(c.core.operations)).toEqual(allNotRunning)
  })

  it('makes a second stop() wait for the first: when it returns, all is closed', async () => {
    const { logger, lines } = capturingLogger()
    const c = await fixture.start({}, { logger })
    const first = c.core.stop()
    await c.core.stop()
    // The line the stop writes once every part is closed, the data dir lock last.
    expect(lines.map((l) => l.msg)).toContain('console stopped')
    for (const port of [c.addresses.web.port, c.addresses.ingest.port])
      expect(await refused(port), `port ${port}`).toBe(true)
    await first
  })
})
