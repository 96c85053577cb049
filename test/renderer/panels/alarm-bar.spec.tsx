// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest'

import { AlarmBar } from '../../../src/renderer/src/panels/alarm-bar'
import { alarm, NO_FLOOD } from '../support/alarm-fixtures'
import {
  byTestId,
  click,
  fakeBridge,
  renderConsole,
  type Rendered
} from '../support/render-console'

let rendered: Rendered | undefined
afterEach(() => rendered?.unmount())

const counts = (root: ParentNode) =>
  ['critical', 'high', 'medium', 'low'].map((s) => byTestId(root, `alarm-count-${s}`)?.textContent)

describe('AlarmBar', () => {
  it('counts the unacknowledged alarms by severity and names the newest critical one', async () => {
    rendered = await renderConsole(<AlarmBar onOpen={() => undefined} />, {
      bridge: fakeBridge('browser'),
      alarms: [
        alarm({ id: 'old', name: 'Too hot', device: 'pump-1', raisedAt: 1_000 }),
        alarm({ id: 'new', name: 'Pressure', device: 'pump-9', raisedAt: 2_000 }),
        alarm({ id: 'acked', state: 'active-acked', raisedAt: 3_000 }),
        alarm({ id: 'h', severity: 'high', state: 'cleared-unacked' }),
        alarm({ id: 'l', severity: 'low' })
      ]
    })
    const { container } = rendered
    expect(counts(container)).toEqual(['2', '1', '0', '1'])
    expect(byTestId(container, 'newest-critical')?.textContent).toBe('Pressure — pump-9')
    expect(byTestId(container, 'flood-banner')).toBeNull()

    await rendered.sendAlarms([alarm({ id: 'new', state: 'active-acked', raisedAt: 2_000 })])
    expect(counts(container)).toEqual(['1', '1', '0', '1'])
    expect(byTestId(container, 'newest-critical')?.textContent).toBe('Too hot — pump-1')
  })

  it('says there is nothing to acknowledge when nothing is owed', async () => {
    rendered = await renderConsole(<AlarmBar onOpen={() => undefined} />, {
      bridge: fakeBridge('browser'),
      alarms: [alarm({ id: 'shelved', state: 'shelved' })]
    })
    expect(counts(rendered.container)).toEqual(['0', '0', '0', '0'])
    expect(rendered.container.textContent).toContain('No alarm to acknowledge')
  })

  it('shows a flood with its count, window and first-out alarm; a click opens the list', async () => {
    let opened = 0
    rendered = await renderConsole(<AlarmBar onOpen={() => opened++} />, {
      bridge: fakeBridge('browser'),
      alarms: [alarm({ id: 'first', name: 'Feed lost', device: 'plc-2', firstOut: true })],
      flood: {
        ...NO_FLOOD,
        active: true,
        since: 4_000,
        raisedInWindow: 37,
        threshold: 10,
        windowMinutes: 10,
        firstOut: 'first'
      }
    })
    const banner = byTestId(rendered.container, 'flood-banner')
    expect(banner?.textContent).toBe(
      'Alarm flood: 37 alarms in 10 min; first out: Feed lost — plc-2'
    )
    await click(banner)
    await click(byTestId(rendered.container, 'open-alarms'))
    expect(opened).toBe(2)
  })
})
