// @vitest-environment jsdom
import i18next from 'i18next'
import { act } from 'react'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { FeedPanel } from '../../../src/renderer/src/panels/feed-panel'
import { click, fakeBridge, renderConsole, type Rendered } from '../support/render-console'

let rendered: Rendered | undefined
afterEach(async () => {
  rendered?.unmount()
  await i18next.changeLanguage('en')
})

// jsdom lays nothing out: the feed's scroller is given a window's height, as a browser would.
const box = Object.getOwnPropertyDescriptor(Element.prototype, 'clientHeight')!
beforeAll(() =>
  Object.defineProperty(Element.prototype, 'clientHeight', { configurable: true, get: () => 600 })
)
afterAll(() => Object.defineProperty(Element.prototype, 'clientHeight', box))

const REPORT = {
  _id: 'r1',
  device: 'spoof-1',
  seq: 1,
  ts: 5,
  time: 4_000,
  identity: 'anonymous',
  '\u202eexe-txt': 1,
  flow: 1234.5,
  motor: { rpm: 1450 },
  mode: 'auto'
}

async function showFeed(): Promise<HTMLElement> {
  rendered = await renderConsole(<FeedPanel />, { bridge: fakeBridge('browser') })
  await act(async () => rendered!.store.events.reports([REPORT]))
  return rendered.container.querySelector<HTMLElement>('[data-testid=feed-row]')!
}

describe('a feed row', () => {
  it('reads `device · key=value …`, each name and value isolated, the whole JSON a click away', async () => {
    const row = await showFeed()
    expect(row.querySelector('.device')!.textContent).toBe('spoof-1')
    expect(row.querySelector('.feed-sep')!.textContent).toBe('·')
    const summary = row.querySelector('.summary')!
    expect(summary.textContent).toBe('\\u202eexe-txt=1 flow=1,234.5 motor.rpm=1,450 mode=auto')
    // An override in a name reverses nothing past it: every name and value is its own <bdi>.
    expect([...summary.querySelectorAll('bdi')].map((b) => b.textContent)).toEqual([
      '\\u202eexe-txt',
      '1',
      'flow',
      '1,234.5',
      'motor.rpm',
      '1,450',
      'mode',
      'auto'
    ])
    expect(row.querySelector('.json')).toBeNull()
    await click(row.querySelector('.feed-line'))
    expect(JSON.parse(row.querySelector('.json')!.textContent!)).toEqual(REPORT)
  })

  it('writes the numbers as the UI language does', async () => {
    const row = await showFeed()
    await act(async () => void (await i18next.changeLanguage('zh')))
    expect(row.querySelector('.summary')!.textContent).toBe(
      '\\u202eexe-txt=1 flow=1,234.5 motor.rpm=1,450 mode=auto'
    )
    expect(row.querySelector('.feed-line')!.getAttribute('title')).toBe('显示完整报告')
  })
})
