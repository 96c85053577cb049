// @vitest-environment jsdom
import { act } from 'react'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { OVERSCAN_ROWS } from '../../../src/renderer/src/hooks/use-virtual-grid'
import { OverviewPanel, SETTLE_MS } from '../../../src/renderer/src/panels/overview-panel'
import { OVERVIEW_STORAGE_KEY } from '../../../src/renderer/src/state/overview-settings'
import type { DeviceState } from '../../../src/shared/api-types'
import type { SeriesBody, SeriesQuery } from '../../../src/shared/history-types'
import type { StoredReport } from '../../../src/shared/ingest-protocol'
import { alarm } from '../support/alarm-fixtures'
import {
  byTestId,
  click,
  fakeBridge,
  renderConsole,
  type,
  type Rendered
} from '../support/render-console'

let rendered: Rendered | undefined
afterEach(() => {
  rendered?.unmount()
  rendered = undefined
})
beforeEach(() => localStorage.clear())

// jsdom lays nothing out: the scroller is given a window's size, as a browser would — room for
// four columns of tiles and a few rows.
const sizes = ['clientHeight', 'clientWidth'] as const
const boxes = sizes.map((name) => Object.getOwnPropertyDescriptor(Element.prototype, name)!)
beforeAll(() => {
  Object.defineProperty(Element.prototype, 'clientHeight', { configurable: true, get: () => 600 })
  Object.defineProperty(Element.prototype, 'clientWidth', { configurable: true, get: () => 1200 })
  // Nor does it scroll: the device picker brings its active option into sight.
  Element.prototype.scrollIntoView = () => undefined
})
afterAll(() => {
  sizes.forEach((name, i) => Object.defineProperty(Element.prototype, name, boxes[i]!))
  delete (Element.prototype as Partial<Element>).scrollIntoView
})

const device = (id: string, online = true): DeviceState => ({
  id,
  identity: 'anonymous',
  firstSeen: 1,
  lastSeen: Date.now() - (online ? 1_000 : 120_000),
  reports: 1,
  online,
  reportsPerMinute: 60
})

let seq = 0
const report = (id: string, fields: Record<string, unknown>): StoredReport => ({
  _id: `r${++seq}`,
  device: id,
  seq,
  time: Date.now(),
  identity: 'anonymous',
  ...fields
})

/** The tiles as a user reads them: device, online, and each value's field and reading. */
function tiles(): Array<{ device: string | null; online: string | null; values: string[] }> {
  return [...rendered!.container.querySelectorAll('[data-testid=device-tile]')].map((tile) => ({
    device: tile.getAttribute('data-device'),
    online: tile.getAttribute('data-online'),
    values: [...tile.querySelectorAll('[data-testid=tile-value]')].map(
      (row) =>
        `${row.getAttribute('data-field')}=${row.querySelector('[data-testid=tile-reading]')!.textContent}`
    )
  }))
}
const tile = (id: string): HTMLElement =>
  rendered!.container.querySelector(`[data-testid=device-tile][data-device="${id}"]`)!

async function show(
  devices: DeviceState[],
  reports: StoredReport[],
  options: {
    onOpen?: (device: string) => void
    series?: (q: SeriesQuery) => Promise<SeriesBody>
  } = {}
): Promise<void> {
  const bridge = fakeBridge('browser', {
    queryReports: async () => [],
    ...(options.series && { series: options.series })
  })
  rendered = await renderConsole(<OverviewPanel onOpen={options.onOpen ?? (() => undefined)} />, {
    bridge
  })
  await act(async () => {
    rendered!.store.events.devices(devices)
    rendered!.store.events.reports(reports)
  })
}

const PUMP = {
  temp2: 40.25,
  temp10: 41,
  pressure: 1234.5,
  status: 'ok',
  motor: { rpm: 1450, amps: 3.2 },
  flow: 7,
  zeta: 1
}

describe('the Overview', () => {
  it('shows a tile per device: the first six numeric fields by name, numbers in the UI language', async () => {
    await show([device('pump-1'), device('pump-2')], [report('pump-1', PUMP), report('pump-2', {})])
    expect(tiles()).toEqual([
      {
        device: 'pump-1',
        online: 'true',
        values: [
          'flow=7',
          'motor.amps=3.2',
          'motor.rpm=1,450',
          'pressure=1,234.5',
          'temp2=40.25',
          'temp10=41'
        ]
      },
      { device: 'pump-2', online: 'true', values: [] }
    ])
    expect(tile('pump-2').textContent).toContain('No numeric field to show')
    // A new report replaces the values shown.
    await act(async () => rendered!.store.events.reports([report('pump-1', { ...PUMP, flow: 8 })]))
    expect(tiles()[0]!.values[0]).toBe('flow=8')
  })

  it('shows the fields a pattern names, for every tile or for one device, kept in local storage', async () => {
    localStorage.setItem(
      OVERVIEW_STORAGE_KEY,
      JSON.stringify({ pattern: '', devices: [['pump-2', 'motor.*']] })
    )
    await show(
      [device('pump-1'), device('pump-2')],
      [report('pump-1', PUMP), report('pump-2', PUMP)]
    )
    expect(tiles().map((t) => t.values)).toEqual([
      [
        'flow=7',
        'motor.amps=3.2',
        'motor.rpm=1,450',
        'pressure=1,234.5',
        'temp2=40.25',
        'temp10=41'
      ],
      ['motor.amps=3.2', 'motor.rpm=1,450']
    ])

    await click(byTestId(rendered!.container, 'overview-fields'))
    await type(byTestId(rendered!.container, 'pattern-all'), 'temp*, pressure')
    await click(byTestId(rendered!.container, 'pattern-all-save'))
    expect(tiles().map((t) => t.values)).toEqual([
      ['temp2=40.25', 'temp10=41', 'pressure=1,234.5'],
      ['motor.amps=3.2', 'motor.rpm=1,450']
    ])
    expect(JSON.parse(localStorage.getItem(OVERVIEW_STORAGE_KEY)!)).toEqual({
      pattern: 'temp*, pressure',
      devices: [['pump-2', 'motor.*']]
    })

    // One device's own fields, picked in the form; removed, it follows the pattern for all.
    const picker = byTestId(rendered!.container, 'pattern-device') as HTMLInputElement
    await act(async () => picker.focus())
    const option = rendered!.container.querySelector('[role=option][data-id="pump-1"]')!
    await act(async () => {
      option.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }))
    })
    await type(byTestId(rendered!.container, 'pattern-own'), 'flow')
    await click(byTestId(rendered!.container, 'pattern-own-save'))
    expect(tiles()[0]!.values).toEqual(['flow=7'])
    const own = rendered!.container.querySelector(
      '[data-testid=own-pattern][data-device="pump-2"]'
    )!
    await click(own.querySelector('button'))
    expect(tiles()[1]!.values).toEqual(['temp2=40.25', 'temp10=41', 'pressure=1,234.5'])

    // Past the bounds, the form says so and keeps what was there.
    await type(
      byTestId(rendered!.container, 'pattern-all'),
      Array.from({ length: 13 }, (_, i) => `f${i}`).join(',')
    )
    await click(byTestId(rendered!.container, 'pattern-all-save'))
    expect(rendered!.container.querySelector('[role=alert]')!.textContent).toBe(
      'At most 12 patterns.'
    )
    expect(tiles()[1]!.values).toEqual(['temp2=40.25', 'temp10=41', 'pressure=1,234.5'])
  })

  it('marks an offline device’s age in amber, as the devices list does', async () => {
    await show([device('pump-1'), device('pump-2', false)], [])
    const age = (id: string) => tile(id).querySelector('[data-testid=device-age]')!
    expect(age('pump-1').getAttribute('data-stale')).toBe('false')
    expect(age('pump-2').getAttribute('data-stale')).toBe('true')
    expect(age('pump-2').textContent).toBe('2 min. ago')
    expect(tile('pump-2').getAttribute('title')).toBe('No report for 2 min. ago')
    expect(tile('pump-2').querySelector('[role=img]')!.getAttribute('aria-label')).toBe('Offline')
    expect(tile('pump-2').textContent).toContain('No report since this view opened')
  })

  it('colours a tile by its worst active alarm, unacknowledged or not', async () => {
    await show([device('pump-1'), device('pump-2'), device('pump-3')], [])
    await rendered!.sendAlarms([
      alarm({ id: '1', device: 'pump-1', severity: 'medium' }),
      alarm({ id: '2', device: 'pump-1', severity: 'high', state: 'active-acked' }),
      alarm({ id: '3', device: 'pump-2', severity: 'critical' }),
      alarm({ id: '4', device: 'pump-3', severity: 'critical', state: 'shelved' })
    ])
    const colour = (id: string) => [
      tile(id).getAttribute('data-alarm'),
      tile(id).getAttribute('data-unacked'),
      tile(id).querySelector('[data-testid=tile-alarm]')?.textContent ?? null
    ]
    expect(colour('pump-1')).toEqual(['high', 'false', 'High, acknowledged'])
    expect(colour('pump-2')).toEqual(['critical', 'true', 'Critical, unacknowledged'])
    expect(colour('pump-3')).toEqual([null, null, null])
    await rendered!.sendAlarms([
      alarm({ id: '3', device: 'pump-2', severity: 'critical', state: 'active-acked' })
    ])
    expect(colour('pump-2')).toEqual(['critical', 'false', 'Critical, acknowledged'])
  })

  it('opens a device with a click, and draws each value’s last minutes from the series and live reports', async () => {
    const opened: string[] = []
    const asked: SeriesQuery[] = []
    const now = Date.now()
    const series = async (q: SeriesQuery): Promise<SeriesBody> => {
      asked.push(q)
      return {
        device: q.device,
        since: q.since,
        until: q.until,
        bucketMs: 10_000,
        series: q.fields.map((field) => ({
          field,
          buckets: [1, 2, 3].map((i) => ({
            t: Math.floor((now - 300_000) / 10_000) * 10_000 + i * 10_000,
            min: i,
            max: i,
            avg: i,
            count: 1,
            last: i
          }))
        }))
      }
    }
    await show([device('pump-1')], [report('pump-1', { temp: 20, flow: 3 })], {
      onOpen: (d) => opened.push(d),
      series
    })
    const points = () =>
      [...tile('pump-1').querySelectorAll('[data-testid=sparkline]')].map((s) =>
        s.getAttribute('data-points')
      )
    // The answer is drawn at the next frame: waited for, a few ms at a time.
    for (let i = 0; i < 100 && points().join() !== '3,3'; i++)
      await act(async () => new Promise((r) => setTimeout(r, 10)))
    expect(asked.map((q) => [q.device, q.fields])).toEqual([['pump-1', ['flow', 'temp']]])
    expect(points()).toEqual(['3', '3'])
    // A live report starts the next bucket.
    await act(async () =>
      rendered!.store.events.reports([
        { ...report('pump-1', { temp: 21, flow: 4 }), time: Date.now() + 20_000 }
      ])
    )
    expect(points()).toEqual(['4', '4'])
    await click(tile('pump-1'))
    expect(opened).toEqual(['pump-1'])
  })

  it('keeps only the tiles in sight in the page, and three rows more either side', async () => {
    const many = Array.from({ length: 500 }, (_, i) => device(`plc-${i + 1}`))
    await show(many, [])
    const tiles = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => `plc-${from + i}`)
    const inPage = () =>
      [...rendered!.container.querySelectorAll('[data-testid=device-tile]')].map((t) =>
        t.getAttribute('data-device')
      )
    // 600 px of 188 px rows, four to a row: rows 0–3 in sight, and OVERSCAN_ROWS below them.
    expect(OVERSCAN_ROWS).toBe(3)
    expect(inPage()).toEqual(tiles(1, 7 * 4))
    expect(byTestId(rendered!.container, 'overview-count')!.textContent).toBe('500 devices')
    // Scrolled ten rows down: rows 10–13 in sight, 7–16 in the page, those above gone.
    const scroller = byTestId(rendered!.container, 'overview-scroll')!
    Object.defineProperty(scroller, 'scrollTop', { configurable: true, get: () => 10 * 188 })
    await act(async () => {
      scroller.dispatchEvent(new Event('scroll'))
    })
    expect(inPage()).toEqual(tiles(7 * 4 + 1, 17 * 4))
  })

  it('asks for the history of the tiles a scroll settles on, not of those it only passed', async () => {
    const many = Array.from({ length: 500 }, (_, i) => device(`plc-${i + 1}`))
    const asked = new Set<string>()
    await show(
      many,
      many.map((d) => report(d.id, { temp: 20 })),
      {
        series: async (q) => {
          asked.add(q.device)
          return { device: q.device, since: q.since, until: q.until, bucketMs: 10_000, series: [] }
        }
      }
    )
    const scroller = byTestId(rendered!.container, 'overview-scroll')!
    const scrollTo = async (row: number) => {
      Object.defineProperty(scroller, 'scrollTop', { configurable: true, get: () => row * 188 })
      await act(async () => {
        scroller.dispatchEvent(new Event('scroll'))
      })
    }
    // Two steps of a fast scroll, the first left before the grid settled.
    await scrollTo(40)
    // A turn of the event loop: what a tile asks for at once would be asked now.
    await act(async () => new Promise((r) => setTimeout(r, 0)))
    await scrollTo(80)
    for (let i = 0; i < 100 && asked.size < 40; i++)
      await act(async () => new Promise((r) => setTimeout(r, 10)))
    // Rows 80–83 in sight, 77–86 in the page: their tiles, 309 to 348, and no others.
    const settledOn = Array.from({ length: 40 }, (_, i) => `plc-${309 + i}`)
    expect([...asked].sort()).toEqual(settledOn.sort())
    expect(SETTLE_MS).toBeGreaterThan(0)
  })
})
