// @vitest-environment jsdom
import { act } from 'react'
import { afterEach, describe, expect, it } from 'vitest'

import { ExportButton } from '../../../src/renderer/src/panels/export-button'
import type { ExportOutcome, ExportProgress, ExportQuery } from '../../../src/shared/history-types'
import {
  byTestId,
  choose,
  click,
  fakeBridge,
  renderConsole,
  type Rendered
} from '../support/render-console'

let rendered: Rendered | undefined
afterEach(() => rendered?.unmount())

/** A bridge whose exports the test finishes, and whose progress it sends. */
function exportingBridge() {
  const asked: Array<{ query: ExportQuery; id: string }> = []
  const cancelled: string[] = []
  const listeners = new Set<(p: ExportProgress) => void>()
  let finish: (outcome: ExportOutcome) => void = () => undefined
  const bridge = fakeBridge('browser', {
    exportReports: (query, id) => {
      asked.push({ query, id: id! })
      return new Promise((resolve) => (finish = resolve))
    },
    cancelExport: async (id) => {
      cancelled.push(id)
      finish({ saved: false })
    },
    onExportProgress: (listener) => {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    }
  })
  return {
    bridge,
    asked,
    cancelled,
    listeners,
    progress: (p: ExportProgress) => act(async () => listeners.forEach((l) => l(p))),
    finish: (outcome: ExportOutcome) => act(async () => finish(outcome))
  }
}

describe('ExportButton', () => {
  it('exports the choice and format picked, shows its progress, then what was saved', async () => {
    const b = exportingBridge()
    rendered = await renderConsole(
      <ExportButton
        testId="x"
        choices={[
          { label: 'Shown', query: { device: 'pump-7', since: 1, until: 2, fields: ['temp'] } },
          { label: 'All', query: { device: 'pump-7' } }
        ]}
      />,
      { bridge: b.bridge }
    )
    const { container } = rendered
    await click(byTestId(container, 'x-open'))
    await choose(byTestId(container, 'x-choice'), '1')
    await choose(byTestId(container, 'x-format'), 'ndjson')
    await click(byTestId(container, 'x-start'))
    expect(b.asked).toEqual([
      { query: { device: 'pump-7', format: 'ndjson' }, id: expect.any(String) }
    ])
    const progress = byTestId(container, 'x-progress') as HTMLProgressElement
    expect(progress.value).toBe(0)
    await b.progress({ id: 'another', reports: 9, fraction: 0.9 })
    expect(progress.value).toBe(0) // not this one's
    await b.progress({ id: b.asked[0]!.id, reports: 1234, fraction: 0.25 })
    expect(progress.value).toBe(0.25)
    expect(container.textContent).toContain('1,234 reports')
    await b.finish({ saved: true, path: '/tmp/lookout-pump-7.ndjson', reports: 5000, bytes: 1 })
    expect(byTestId(container, 'x-progress')).toBeNull()
    expect(byTestId(container, 'x-result')?.textContent).toBe(
      'Saved /tmp/lookout-pump-7.ndjson (5,000 reports)'
    )
    expect(b.listeners.size).toBe(0) // listening only while one runs
  })

  it('sets `since` of a "last" choice when it starts, and cancels on request', async () => {
    const b = exportingBridge()
    rendered = await renderConsole(
      <ExportButton testId="x" choices={[{ label: 'Day', query: {}, lastMs: 86_400_000 }]} />,
      { bridge: b.bridge }
    )
    const before = Date.now()
    await click(byTestId(rendered.container, 'x-open'))
    await click(byTestId(rendered.container, 'x-start'))
    const since = b.asked[0]!.query.since!
    expect(since).toBeGreaterThanOrEqual(before - 86_400_000)
    expect(since).toBeLessThanOrEqual(Date.now() - 86_400_000)
    await click(byTestId(rendered.container, 'x-cancel'))
    expect(b.cancelled).toEqual([b.asked[0]!.id])
    expect(byTestId(rendered.container, 'x-result')?.textContent).toBe('Export cancelled')
  })

  it('cancels the export it runs when its panel goes away', async () => {
    const b = exportingBridge()
    rendered = await renderConsole(
      <ExportButton testId="x" choices={[{ label: 'All', query: {} }]} />,
      {
        bridge: b.bridge
      }
    )
    await click(byTestId(rendered.container, 'x-open'))
    await click(byTestId(rendered.container, 'x-start'))
    rendered.unmount()
    rendered = undefined
    expect(b.cancelled).toEqual([b.asked[0]!.id])
  })

  it('says why an export failed', async () => {
    rendered = await renderConsole(
      <ExportButton testId="x" choices={[{ label: 'All', query: {} }]} />,
      {
        bridge: fakeBridge('browser', {
          exportReports: async () => {
            throw new Error('2 exports are running already')
          },
          onExportProgress: () => () => undefined
        })
      }
    )
    await click(byTestId(rendered.container, 'x-open'))
    await click(byTestId(rendered.container, 'x-start'))
    expect(byTestId(rendered.container, 'x-result')?.textContent).toBe(
      'Export failed: 2 exports are running already'
    )
  })
})
