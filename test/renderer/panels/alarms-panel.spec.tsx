// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest'

import { BridgeError } from '../../../src/renderer/src/bridge/console-bridge'
import { AlarmsPanel } from '../../../src/renderer/src/panels/alarms-panel'
import type { AckRequest, AlarmStats } from '../../../src/shared/alarm-types'
import { alarm, NO_FLOOD } from '../support/alarm-fixtures'
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

const stats: AlarmStats = {
  per10Minutes: { now: 3, peak: 12 },
  standing: 1,
  badActors: [{ rule: 'hot', name: 'Too hot', raised: 9 }],
  timeToAckSeconds: { p50: 42, p90: 300, count: 8 },
  flood: NO_FLOOD,
  notEvaluated: 0
}

const alarms = [
  alarm({ id: 'hot/pump-1', device: 'pump-1' }),
  alarm({
    id: 'low/pump-2',
    device: 'pump-2',
    severity: 'low',
    state: 'shelved',
    shelvedUntil: 9e12
  })
]

const rows = (root: ParentNode) => [...root.querySelectorAll('[data-testid="alarm-row"]')]
const buttonsOf = (row: Element) =>
  [...row.querySelectorAll('button')].map((b) => b.getAttribute('data-testid'))

describe('AlarmsPanel', () => {
  it('shows a viewer the alarms and no control to act on them', async () => {
    rendered = await renderConsole(
      <AlarmsPanel onClose={() => undefined} onRules={() => undefined} />,
      {
        bridge: fakeBridge('browser', { alarmStats: async () => stats }),
        role: 'viewer',
        alarms
      }
    )
    const { container } = rendered
    expect(rows(container).map((r) => r.getAttribute('data-alarm'))).toEqual([
      'hot/pump-1',
      'low/pump-2'
    ])
    expect(rows(container).flatMap(buttonsOf)).toEqual([])
    expect(byTestId(container, 'open-rules')).toBeNull()
    expect(container.textContent).toContain('Acknowledging and shelving need the access key.')
  })

  it('gives an operator the actions each alarm’s state allows, and the load figures', async () => {
    rendered = await renderConsole(
      <AlarmsPanel onClose={() => undefined} onRules={() => undefined} />,
      {
        bridge: fakeBridge('browser', { alarmStats: async () => stats }),
        alarms
      }
    )
    const [unacked, shelved] = rows(rendered.container)
    expect(buttonsOf(unacked!)).toEqual(['alarm-ack', 'alarm-shelve', 'alarm-silence'])
    expect(buttonsOf(shelved!)).toEqual(['alarm-unshelve'])
    expect(byTestId(rendered.container, 'open-rules')).not.toBeNull()
    expect(byTestId(rendered.container, 'alarm-stats')?.textContent).toContain(
      'Raised in 10 min: 3 (peak 12)'
    )
  })

  it('shows every load figure: standing alarms, time to acknowledge, the ten bad actors', async () => {
    const badActors = Array.from({ length: 10 }, (_, i) => ({
      rule: `r${i + 1}`,
      name: `Rule ${i + 1}`,
      raised: 20 - i
    }))
    rendered = await renderConsole(
      <AlarmsPanel onClose={() => undefined} onRules={() => undefined} />,
      {
        bridge: fakeBridge('browser', {
          alarmStats: async () => ({ ...stats, standing: 4, badActors })
        }),
        alarms
      }
    )
    const items = [...byTestId(rendered.container, 'alarm-stats')!.querySelectorAll('li')].map(
      (li) => li.textContent
    )
    expect(items.slice(0, 3)).toEqual([
      'Raised in 10 min: 3 (peak 12)',
      'Standing over 24 h: 4',
      'Time to acknowledge: p50 42 sec · p90 5 min'
    ])
    expect(items[3]).toBe(
      'Most raised: ' + badActors.map((a) => `${a.name} (${a.raised})`).join(', ')
    )
  })

  it('acknowledges with the comment typed, and shows the console’s refusal as it says it', async () => {
    const acks: Array<[string, AckRequest]> = []
    let refuse = true
    rendered = await renderConsole(<AlarmsPanel onClose={() => undefined} />, {
      bridge: fakeBridge('browser', {
        alarmStats: async () => stats,
        ackAlarm: async (id, request) => {
          acks.push([id, request])
          if (refuse) throw new BridgeError('bad_request', 'comment: this rule needs a comment')
          return alarm({ id, state: 'active-acked' })
        }
      }),
      alarms
    })
    const { container } = rendered
    await click(byTestId(rows(container)[0]!, 'alarm-ack'))
    await click(byTestId(container, 'ack-form-submit'))
    expect(acks).toEqual([['hot/pump-1', {}]])
    expect(byTestId(container, 'alarm-action-error')?.textContent).toBe(
      'Refused: comment: this rule needs a comment'
    )

    refuse = false
    await type(byTestId(container, 'ack-comment'), '  valve closed by hand ')
    await click(byTestId(container, 'ack-form-submit'))
    expect(acks[1]).toEqual(['hot/pump-1', { comment: 'valve closed by hand' }])
    expect(byTestId(container, 'ack-form')).toBeNull() // done: the form closes
  })

  it('shelves for the minutes given, and filters by severity', async () => {
    const shelved: unknown[] = []
    rendered = await renderConsole(<AlarmsPanel onClose={() => undefined} />, {
      bridge: fakeBridge('browser', {
        alarmStats: async () => stats,
        shelveAlarm: async (id, request) => {
          shelved.push([id, request])
          return alarm({ id, state: 'shelved' })
        }
      }),
      alarms
    })
    const { container } = rendered
    await click(byTestId(rows(container)[0]!, 'alarm-shelve'))
    await type(byTestId(container, 'shelve-minutes'), '30')
    await type(byTestId(container, 'shelve-comment'), 'sensor swap')
    await click(byTestId(container, 'shelve-form-submit'))
    expect(shelved).toEqual([['hot/pump-1', { minutes: 30, comment: 'sensor swap' }]])

    await choose(byTestId(container, 'filter-severity'), 'low')
    expect(rows(container).map((r) => r.getAttribute('data-alarm'))).toEqual(['low/pump-2'])
  })

  it('opens a row’s history from the audit trail, newest first', async () => {
    const asked: unknown[] = []
    rendered = await renderConsole(<AlarmsPanel onClose={() => undefined} />, {
      bridge: fakeBridge('browser', {
        alarmStats: async () => stats,
        alarmEvents: async (query) => {
          asked.push(query)
          const base = {
            alarm: 'hot/pump-1',
            rule: 'hot',
            device: 'pump-1',
            severity: 'critical' as const,
            via: 'system' as const,
            by: 'system',
            comment: null,
            detail: null
          }
          return [
            { ...base, time: 1_000, type: 'raised' as const, state: 'active-unacked' as const },
            { ...base, time: 2_000, type: 'silenced' as const, state: 'active-unacked' as const }
          ]
        }
      }),
      alarms
    })
    await click(rows(rendered.container)[0]!.querySelector('td'))
    expect(asked).toEqual([{ alarm: 'hot/pump-1' }])
    const events = [...rendered.container.querySelectorAll('[data-testid="alarm-event"]')]
    expect(events.map((e) => e.getAttribute('data-type'))).toEqual(['silenced', 'raised'])
  })
})
