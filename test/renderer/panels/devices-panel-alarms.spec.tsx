// @vitest-environment jsdom
import { act } from 'react'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { DevicesPanel } from '../../../src/renderer/src/panels/devices-panel'
import type { DeviceState } from '../../../src/shared/api-types'
import { alarm } from '../support/alarm-fixtures'
import {
  byTestId,
  click,
  fakeBridge,
  renderConsole,
  type Rendered
} from '../support/render-console'

let rendered: Rendered | undefined
afterEach(() => rendered?.unmount())

// jsdom lays nothing out: every box is 0 px, and the virtualized table would show no row. The
// scroller is given a window's height, as a browser would.
const box = Object.getOwnPropertyDescriptor(Element.prototype, 'clientHeight')!
beforeAll(() =>
  Object.defineProperty(Element.prototype, 'clientHeight', {
    configurable: true,
    get: () => 600
  })
)
afterAll(() => Object.defineProperty(Element.prototype, 'clientHeight', box))

const device = (id: string): DeviceState => ({
  id,
  identity: 'anonymous',
  firstSeen: 1,
  lastSeen: 4_000,
  reports: 1,
  online: true,
  reportsPerMinute: 1
})

describe('DevicesPanel alarms', () => {
  it('marks each device with its worst active alarm, and can list the alarming ones first', async () => {
    rendered = await renderConsole(<DevicesPanel onOpen={() => undefined} />, {
      bridge: fakeBridge('browser'),
      alarms: [
        alarm({ id: '1', device: 'pump-3', severity: 'medium' }),
        alarm({ id: '2', device: 'pump-2', severity: 'critical', state: 'active-acked' }),
        alarm({ id: '3', device: 'pump-3', severity: 'high' }),
        alarm({ id: '4', device: 'pump-1', severity: 'critical', state: 'shelved' })
      ]
    })
    await act(async () =>
      rendered!.store.events.devices(['pump-1', 'pump-2', 'pump-3', 'pump-4'].map(device))
    )
    const rows = () =>
      [...rendered!.container.querySelectorAll('[data-testid="device-row"]')].map((r) => [
        r.getAttribute('data-device'),
        r.getAttribute('data-alarm')
      ])
    expect(rows()).toEqual([
      ['pump-1', null],
      ['pump-2', 'critical'],
      ['pump-3', 'high'],
      ['pump-4', null]
    ])
    await click(byTestId(rendered.container, 'alarming-first'))
    expect(rows().map(([id]) => id)).toEqual(['pump-2', 'pump-3', 'pump-1', 'pump-4'])
  })
})
