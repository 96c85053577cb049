// @vitest-environment jsdom
import { act } from 'react'
import { afterEach, describe, expect, it } from 'vitest'

import { Header } from '../../../src/renderer/src/panels/header'
import type { SourceHealth } from '../../../src/shared/source-types'
import {
  byTestId,
  click,
  fakeBridge,
  renderConsole,
  type Rendered
} from '../support/render-console'
import { healthOf, modbusConfig, status } from '../support/source-fixtures'

let rendered: Rendered | undefined
afterEach(() => rendered?.unmount())

const source = (id: string, over: Partial<SourceHealth> = {}): SourceHealth => ({
  ...healthOf(status(modbusConfig({ id, device: id }))),
  ...over
})

describe('the header’s sources summary', () => {
  it('counts the connected of all, marks errors in words, and follows the live topic', async () => {
    let opened = 0
    rendered = await renderConsole(<Header onSources={() => opened++} />, {
      bridge: fakeBridge('browser'),
      role: 'viewer',
      sources: [source('a'), source('b'), source('c', { state: 'connecting' })]
    })
    const { container, store } = rendered
    expect(byTestId(container, 'count-sources')?.textContent).toBe('2 / 3')
    expect(byTestId(container, 'sources-errors')).toBeNull()

    await act(async () =>
      store.events.sources([
        source('a'),
        source('b', { state: 'error', lastError: 'connect ECONNREFUSED 10.0.0.7:502' }),
        source('c'),
        source('d', { state: 'error' })
      ])
    )
    expect(byTestId(container, 'count-sources')?.textContent).toBe('2 / 4')
    expect(byTestId(container, 'sources-errors')?.textContent).toBe('⚠ 2 in error')

    // A viewer opens the list too (read-only there), from the tile or the button.
    await click(byTestId(container, 'sources-summary'))
    await click(byTestId(container, 'open-sources'))
    expect(opened).toBe(2)
  })

  it('is not shown while the console has no source; the button still opens the dialog', async () => {
    rendered = await renderConsole(<Header onSources={() => undefined} />, {
      bridge: fakeBridge('browser'),
      sources: []
    })
    expect(byTestId(rendered.container, 'sources-summary')).toBeNull()
    expect(byTestId(rendered.container, 'open-sources')).not.toBeNull()
  })
})
