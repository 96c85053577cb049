// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest'

import { BridgeError } from '../../../src/renderer/src/bridge/console-bridge'
import { AlarmRulesDialog } from '../../../src/renderer/src/panels/alarm-rules-dialog'
import type { AlarmRule } from '../../../src/shared/alarm-types'
import { rule } from '../support/alarm-fixtures'
import {
  byTestId,
  choose,
  click,
  fakeBridge,
  renderConsole,
  type,
  type Rendered
} from '../support/render-console'

let rendered: Rendered | undefined
afterEach(() => rendered?.unmount())

const rules = [
  rule(),
  rule({
    id: 'feed',
    name: 'Feed lost',
    devices: 'plc-*',
    field: undefined,
    above: undefined,
    stale: 60,
    source: 'file'
  })
]

describe('AlarmRulesDialog', () => {
  it('lists the rules; only the console’s own can be changed', async () => {
    rendered = await renderConsole(<AlarmRulesDialog onClose={() => undefined} />, {
      bridge: fakeBridge('desktop', { alarmRules: async () => rules })
    })
    const rows = [...rendered.container.querySelectorAll('[data-testid="rule-row"]')]
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringContaining('temp > 90'),
      expect.stringContaining('no report for 60 s')
    ])
    expect(byTestId(rows[0]!, 'rule-edit')).not.toBeNull()
    expect(byTestId(rows[1]!, 'rule-edit')).toBeNull()
    expect(rows[1]!.textContent).toContain('From the rules file')
  })

  it('shows the console’s refusal next to the field it names', async () => {
    const sent: unknown[] = []
    rendered = await renderConsole(<AlarmRulesDialog onClose={() => undefined} />, {
      bridge: fakeBridge('desktop', {
        alarmRules: async () => [],
        createAlarmRule: async (r) => {
          sent.push(r)
          throw new BridgeError('bad_request', 'below: must be below the rule’s above')
        }
      })
    })
    const { container } = rendered
    await click(byTestId(container, 'rule-new'))
    await type(byTestId(container, 'rule-name'), 'Too cold')
    await type(byTestId(container, 'rule-devices'), 'tank-*')
    await choose(byTestId(container, 'rule-kind'), 'below')
    await type(byTestId(container, 'rule-value'), '4.5')
    await type(byTestId(container, 'rule-field'), 'temp')
    await click(byTestId(container, 'rule-save'))

    expect(sent).toEqual([
      {
        name: 'Too cold',
        devices: 'tank-*',
        field: 'temp',
        below: 4.5,
        severity: 'high',
        commentRequired: false,
        enabled: true
      }
    ])
    const field = container.querySelector('[data-field="value"]')
    expect(byTestId(field!, 'rule-error-value')?.textContent).toBe('must be below the rule’s above')
    expect(byTestId(container, 'rule-error')).toBeNull() // not as a message for the whole form
  })

  it('saves an edited rule under its id, and previews where it would be active', async () => {
    const updates: Array<[string, AlarmRule]> = []
    rendered = await renderConsole(<AlarmRulesDialog onClose={() => undefined} />, {
      bridge: fakeBridge('desktop', {
        alarmRules: async () => rules,
        previewAlarmRule: async () => ({ devices: ['pump-1', 'pump-3'], matched: 5 }),
        updateAlarmRule: async (id, r) => {
          updates.push([id, r])
          return { ...r, source: 'console' }
        }
      })
    })
    const { container } = rendered
    await click(byTestId(container, 'rule-edit'))
    await click(byTestId(container, 'rule-preview'))
    expect(byTestId(container, 'rule-preview-result')?.textContent).toBe(
      'Would be active now on 2 of the 5 matching devices: pump-1, pump-3'
    )
    await type(byTestId(container, 'rule-value'), '95')
    await click(byTestId(container, 'rule-save'))
    expect(updates).toEqual([
      ['hot', expect.objectContaining({ id: 'hot', name: 'Too hot', field: 'temp', above: 95 })]
    ])
    expect(byTestId(container, 'rule-form')).toBeNull()
  })
})
