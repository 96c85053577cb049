// @vitest-environment jsdom
import { act, useState } from 'react'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'

import { ChartFields } from '../../../src/renderer/src/panels/chart-fields'
import {
  byTestId,
  click,
  fakeBridge,
  renderConsole,
  type Rendered
} from '../support/render-console'

let rendered: Rendered | undefined
afterEach(() => rendered?.unmount())

// jsdom has no media queries (the light scheme, then) and lays nothing out to scroll to.
beforeAll(() => {
  Element.prototype.scrollIntoView = () => undefined
  ;(globalThis as { matchMedia?: unknown }).matchMedia = () => ({
    matches: false,
    addEventListener: () => undefined,
    removeEventListener: () => undefined
  })
})

const FIELDS = ['temp', 'pressure', 'flow', 'level', 'speed']

function Harness(props: { log: string[][] }): React.JSX.Element {
  const [chosen, setChosen] = useState<string[]>(['temp'])
  return (
    <ChartFields
      fields={FIELDS}
      chosen={chosen}
      onChange={(c) => {
        props.log.push(c)
        setChosen(c)
      }}
    />
  )
}

/** Picks `id` in the picker with this test id, as a user does: focus, then a click on it. */
async function pick(root: HTMLElement, testId: string, id: string): Promise<void> {
  const input = byTestId(root, testId) as HTMLInputElement
  await act(async () => input.focus())
  const option = root.querySelector(`.id-picker-list [data-id="${id}"]`)
  if (!option) throw new Error(`${id} is not listed`)
  await act(async () => {
    option.dispatchEvent(new MouseEvent('mousedown', { bubbles: true, cancelable: true }))
  })
  await act(async () => input.blur())
}

const chips = (root: HTMLElement): string[] =>
  [...root.querySelectorAll('[data-testid=chart-field]')].map((c) => c.getAttribute('data-field')!)

describe('ChartFields', () => {
  it('adds fields up to four, says so, and takes one off again', async () => {
    const log: string[][] = []
    rendered = await renderConsole(<Harness log={log} />, { bridge: fakeBridge('browser') })
    const root = rendered.container
    await pick(root, 'detail-add-field', 'pressure')
    await pick(root, 'detail-add-field', 'flow')
    // Those on the chart are not offered again.
    await act(async () => (byTestId(root, 'detail-add-field') as HTMLInputElement).focus())
    const offered = [...root.querySelectorAll('.id-picker-list [data-id]')].map((o) =>
      o.getAttribute('data-id')
    )
    expect(offered).toEqual(['level', 'speed'])
    await act(async () => (byTestId(root, 'detail-add-field') as HTMLInputElement).blur())
    await pick(root, 'detail-add-field', 'level')
    expect(log.at(-1)).toEqual(['temp', 'pressure', 'flow', 'level'])
    expect(chips(root)).toEqual(['pressure', 'flow', 'level'])
    // Four: no picker to add a fifth, and a line saying why.
    expect(byTestId(root, 'detail-add-field')).toBeNull()
    expect(root.textContent).toContain('Up to 4 fields on one chart.')

    await click(root.querySelector('button[aria-label="Take flow off the chart"]'))
    expect(log.at(-1)).toEqual(['temp', 'pressure', 'level'])
    expect(byTestId(root, 'detail-add-field')).not.toBeNull()
  })

  it('replaces the first field in the first picker, which keeps no duplicate', async () => {
    const log: string[][] = []
    rendered = await renderConsole(<Harness log={log} />, { bridge: fakeBridge('browser') })
    const root = rendered.container
    await pick(root, 'detail-add-field', 'pressure')
    await pick(root, 'detail-field', 'flow')
    expect(log.at(-1)).toEqual(['flow', 'pressure'])
    await pick(root, 'detail-field', 'pressure')
    expect(log.at(-1)).toEqual(['pressure'])
    expect((byTestId(root, 'detail-field') as HTMLInputElement).value).toBe('pressure')
  })
})
