// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest'

import { BridgeError } from '../../../src/renderer/src/bridge/console-bridge'
import { SourcesDialog } from '../../../src/renderer/src/panels/sources-dialog'
import type { SourceConfig } from '../../../src/shared/source-types'
import {
  byTestId,
  choose,
  click,
  fakeBridge,
  renderConsole,
  type,
  type Rendered
} from '../support/render-console'
import { healthOf, modbusConfig, opcuaConfig, status } from '../support/source-fixtures'

let rendered: Rendered | undefined
afterEach(() => rendered?.unmount())

const listed = [
  status(modbusConfig()),
  status(
    opcuaConfig({ id: 'press-file', device: 'press-1', user: undefined, password: undefined }),
    {
      origin: 'file',
      state: 'error',
      lastError: 'connect ECONNREFUSED 10.0.0.8:4840',
      lastRead: null,
      readsPerSec: 0
    }
  )
]
const live = listed.map(healthOf)

const rows = (container: HTMLElement) => [
  ...container.querySelectorAll<HTMLElement>('[data-testid="source-row"]')
]

describe('SourcesDialog', () => {
  it('lists every source with its health; the file’s are read-only, labelled as from the file', async () => {
    rendered = await renderConsole(<SourcesDialog onClose={() => undefined} />, {
      bridge: fakeBridge('browser', { sources: async () => listed }),
      sources: live
    })
    const [plc, press] = rows(rendered.container)
    expect(plc!.textContent).toContain('10.0.0.7:502')
    expect(byTestId(plc!, 'source-state')?.textContent).toBe('● Connected')
    expect(byTestId(plc!, 'source-edit')).not.toBeNull()
    expect(byTestId(plc!, 'source-delete')).not.toBeNull()
    expect(press!.dataset.origin).toBe('file')
    expect(press!.textContent).toContain('sources file')
    expect(byTestId(press!, 'source-from-file')?.textContent).toContain('change it there')
    expect(byTestId(press!, 'source-edit')).toBeNull()
    expect(byTestId(press!, 'source-delete')).toBeNull()
    // The state in a word and a mark, the reason in words, never read: not colour alone.
    expect(byTestId(press!, 'source-state')?.textContent).toBe('✕ Error')
    expect(byTestId(press!, 'source-last-error')?.textContent).toBe(
      'connect ECONNREFUSED 10.0.0.8:4840'
    )
    expect(byTestId(press!, 'source-age')?.textContent).toBe('never')
  })

  it('shows a viewer the list and no control that would change it', async () => {
    rendered = await renderConsole(<SourcesDialog onClose={() => undefined} />, {
      bridge: fakeBridge('browser', { sources: async () => listed }),
      role: 'viewer',
      sources: live
    })
    const { container } = rendered
    expect(rows(container)).toHaveLength(2)
    expect(byTestId(container, 'source-new')).toBeNull()
    expect(byTestId(container, 'source-edit')).toBeNull()
    expect(byTestId(container, 'source-delete')).toBeNull()
    expect(byTestId(container, 'sources-read-only')?.textContent).toContain('access key')
  })

  it('checks the form before sending, then shows the console’s refusal by the input it names, nothing typed lost', async () => {
    const sent: SourceConfig[] = []
    rendered = await renderConsole(<SourcesDialog onClose={() => undefined} />, {
      bridge: fakeBridge('desktop', {
        sources: async () => [],
        createSource: async (config) => {
          sent.push(config)
          throw new BridgeError('bad_request', 'registers[1].address: must be at most 65535')
        }
      }),
      sources: []
    })
    const { container } = rendered
    await click(byTestId(container, 'source-new'))
    await type(byTestId(container, 'source-id'), 'tank-3')
    await type(byTestId(container, 'source-device'), 'tank-3')
    await click(byTestId(container, 'source-save'))
    // Empty host: the form says so itself, and sends nothing.
    expect(sent).toEqual([])
    expect(
      byTestId(container.querySelector('[data-field="host"]')!, 'rule-error-host')?.textContent
    ).toBe('required')

    await type(byTestId(container, 'source-host'), '127.0.0.1')
    await type(byTestId(container, 'register-field'), 'level')
    await choose(byTestId(container, 'register-type'), 'float32')
    await choose(byTestId(container, 'register-wordOrder'), 'little')
    await type(byTestId(container, 'register-scale'), '0.1')
    await click(byTestId(container, 'register-add'))
    const second = registerRows(container)[1]!
    await type(byTestId(second, 'register-field'), 'pump')
    await choose(byTestId(second, 'register-kind'), 'coil')
    await type(byTestId(second, 'register-address'), '70000')
    await click(byTestId(container, 'source-save'))

    expect(sent).toEqual([
      {
        id: 'tank-3',
        type: 'modbus',
        device: 'tank-3',
        host: '127.0.0.1',
        port: 502,
        unitId: 1,
        intervalMs: 1000,
        registers: [
          {
            field: 'level',
            kind: 'holding',
            address: 0,
            type: 'float32',
            wordOrder: 'little',
            scale: 0.1
          },
          // A coil takes no type, word order, scale or offset: none sent.
          { field: 'pump', kind: 'coil', address: 70000 }
        ]
      }
    ])
    const cell = registerRows(container)[1]!.querySelector('[data-field="registers.1.address"]')!
    expect(byTestId(cell, 'source-error-registers.1.address')?.textContent).toBe(
      'must be at most 65535'
    )
    expect(byTestId(container, 'source-error')).toBeNull()
    expect((byTestId(container, 'source-host') as HTMLInputElement).value).toBe('127.0.0.1')
    expect(
      (byTestId(registerRows(container)[1]!, 'register-address') as HTMLInputElement).value
    ).toBe('70000')
  })

  it('shows a refusal that names no input at the foot of the form', async () => {
    rendered = await renderConsole(<SourcesDialog onClose={() => undefined} />, {
      bridge: fakeBridge('desktop', {
        sources: async () => [],
        createSource: async () => {
          throw new BridgeError(
            'conflict',
            'at most 200 sources, the console’s and the file’s together'
          )
        }
      }),
      sources: []
    })
    const { container } = rendered
    await click(byTestId(container, 'source-new'))
    await type(byTestId(container, 'source-id'), 'x')
    await type(byTestId(container, 'source-device'), 'x')
    await type(byTestId(container, 'source-host'), 'h')
    await type(byTestId(container, 'register-field'), 'f')
    await click(byTestId(container, 'source-save'))
    expect(byTestId(container, 'source-error')?.textContent).toBe(
      'Refused: at most 200 sources, the console’s and the file’s together'
    )
  })

  it('edits an OPC UA source: its password shown as …, sent back as … to keep it', async () => {
    const updates: Array<[string, SourceConfig]> = []
    const config = opcuaConfig()
    rendered = await renderConsole(<SourcesDialog onClose={() => undefined} />, {
      bridge: fakeBridge('desktop', {
        sources: async () => [status(config)],
        updateSource: async (id, next) => {
          updates.push([id, next])
          return status(next)
        }
      }),
      sources: [healthOf(status(config))]
    })
    const { container } = rendered
    await click(byTestId(container, 'source-edit'))
    const password = byTestId(container, 'source-password') as HTMLInputElement
    expect(password.value).toBe('')
    expect(password.placeholder).toBe('…')
    expect(byTestId(container, 'source-password-kept')).not.toBeNull()
    expect((byTestId(container, 'source-id') as HTMLInputElement).disabled).toBe(true)
    await type(byTestId(container, 'node-samplingMs'), '250')
    await click(byTestId(container, 'source-save'))
    expect(updates).toEqual([
      [
        'line-2-opc',
        {
          id: 'line-2-opc',
          type: 'opcua',
          device: 'line-2',
          endpoint: 'opc.tcp://10.0.0.8:4840/UA/Server',
          securityMode: 'None',
          securityPolicy: 'None',
          user: 'lookout',
          password: '…',
          nodes: [{ field: 'rpm', nodeId: 'ns=2;s=Line2.Rpm', samplingMs: 250 }]
        }
      ]
    ])
    expect(byTestId(container, 'source-form')).toBeNull()
  })

  it('deletes a console source after a confirmation', async () => {
    const deleted: string[] = []
    rendered = await renderConsole(<SourcesDialog onClose={() => undefined} />, {
      bridge: fakeBridge('desktop', {
        sources: async () => listed,
        deleteSource: async (id) => void deleted.push(id)
      }),
      sources: live
    })
    const { container } = rendered
    await click(byTestId(container, 'source-delete'))
    expect(deleted).toEqual([])
    await click(byTestId(container, 'source-confirm-delete'))
    expect(deleted).toEqual(['boiler-plc'])
  })
})

function registerRows(container: HTMLElement): HTMLElement[] {
  return [...container.querySelectorAll<HTMLElement>('[data-testid="register-row"]')]
}
