import { afterEach, describe, expect, it } from 'vitest'

import type { OpcuaDriverFactory } from '../../../src/main/core/sources/source-driver'
import { SocketBridge } from '../../../src/renderer/src/bridge/socket-bridge'
import type { OpcuaSourceConfig } from '../../../src/shared/source-types'
import { ACCESS_KEY, consoleFixture, VIEW_KEY } from '../../support/console'

// The browser's source requests (docs/sources.md), against a real console: what the later
// Sources dialog will call.

const fixture = consoleFixture()
afterEach(() => fixture.cleanup())

// A driver that waits, never connecting: these requests are what is specified here.
const idleOpcua: OpcuaDriverFactory = (_config, events) => ({
  start: () => events.state('connecting'),
  stop: async () => undefined
})

const source: OpcuaSourceConfig = {
  id: 'opc 1', // a space: the id is encoded in the path
  type: 'opcua',
  device: 'line-2',
  endpoint: 'opc.tcp://127.0.0.1:1/UA',
  user: 'lookout',
  password: 'secret',
  nodes: [{ field: 'rpm', nodeId: 'ns=2;s=Rpm' }]
}

describe('SocketBridge source requests', () => {
  it('creates, lists, updates and deletes a source; errors come back as the console said them', async () => {
    const c = await fixture.start({}, { sources: { drivers: { opcua: idleOpcua } } })
    const bridge = new SocketBridge(c.base, ACCESS_KEY)
    const created = await bridge.createSource(source)
    expect(created).toMatchObject({ origin: 'console', config: { ...source, password: '…' } })
    expect((await bridge.sources()).map((s) => s.config.id)).toEqual(['opc 1'])
    const updated = await bridge.updateSource('opc 1', { ...created.config, device: 'line-3' })
    expect(updated.config).toMatchObject({ device: 'line-3', password: '…' })
    await expect(bridge.createSource(source)).rejects.toMatchObject({ code: 'conflict' })
    await bridge.deleteSource('opc 1')
    expect(await bridge.sources()).toEqual([])

    const viewer = new SocketBridge(c.base, VIEW_KEY)
    expect(await viewer.sources()).toEqual([])
    await expect(viewer.createSource(source)).rejects.toMatchObject({ code: 'forbidden' })
  })
})
