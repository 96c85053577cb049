// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest'

import type { RangeChoice } from '../../../src/renderer/src/panels/history-range'
import { HistoryRangePicker } from '../../../src/renderer/src/panels/history-range-picker'
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

const SHOWN = {
  since: new Date(2025, 2, 10, 11, 45).getTime(),
  until: new Date(2025, 2, 10, 12, 0).getTime()
}

async function picker(): Promise<{ root: HTMLElement; chosen: RangeChoice[] }> {
  const chosen: RangeChoice[] = []
  rendered = await renderConsole(
    <HistoryRangePicker
      choice={{ preset: '15m' }}
      shown={SHOWN}
      onChange={(c) => chosen.push(c)}
    />,
    { bridge: fakeBridge('browser') }
  )
  return { root: rendered.container, chosen }
}

describe('HistoryRangePicker', () => {
  it('offers the presets from 15 minutes to 30 days, and a custom range', async () => {
    const { root, chosen } = await picker()
    const options = [...root.querySelectorAll('option')].map((o) => [o.value, o.textContent])
    expect(options).toEqual([
      ['15m', 'Last 15 minutes'],
      ['1h', 'Last hour'],
      ['6h', 'Last 6 hours'],
      ['24h', 'Last 24 hours'],
      ['7d', 'Last 7 days'],
      ['30d', 'Last 30 days'],
      ['custom', 'Custom…']
    ])
    await choose(byTestId(root, 'detail-range'), '7d')
    expect(chosen).toEqual([{ preset: '7d' }])
  })

  it('starts a custom range from the range shown, in local time, and shows it on Show', async () => {
    const { root, chosen } = await picker()
    await choose(byTestId(root, 'detail-range'), 'custom')
    const from = byTestId(root, 'range-from') as HTMLInputElement
    const to = byTestId(root, 'range-to') as HTMLInputElement
    expect([from.value, to.value]).toEqual(['2025-03-10T11:45', '2025-03-10T12:00'])
    // Nothing is shown until asked.
    expect(chosen).toEqual([])
    await type(from, '2025-03-03T08:00')
    await click(root.querySelector('button[type=submit]'))
    expect(chosen).toEqual([{ since: new Date(2025, 2, 3, 8, 0).getTime(), until: SHOWN.until }])
  })

  it('refuses a custom range whose start is not before its end, and says why', async () => {
    const { root, chosen } = await picker()
    await choose(byTestId(root, 'detail-range'), 'custom')
    await type(byTestId(root, 'range-from'), '2025-03-10T13:00')
    const submit = root.querySelector<HTMLButtonElement>('button[type=submit]')!
    expect(submit.disabled).toBe(true)
    expect(root.querySelector('[role=alert]')?.textContent).toBe(
      'The start must be before the end.'
    )
    expect(byTestId(root, 'range-to')?.getAttribute('aria-invalid')).toBe('true')
    await click(submit)
    expect(chosen).toEqual([])
    await type(byTestId(root, 'range-from'), '')
    expect(submit.disabled).toBe(true)
    expect(root.querySelector('[role=alert]')).toBeNull()
  })
})
