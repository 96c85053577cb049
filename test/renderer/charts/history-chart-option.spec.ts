import { LineChart } from 'echarts/charts'
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  ToolboxComponent,
  TooltipComponent
} from 'echarts/components'
import * as echarts from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'
import { beforeAll, describe, expect, it } from 'vitest'

import {
  drawnXAxisLabels,
  drawnYAxisLabels,
  type DrawnLabel
} from '../../../src/renderer/src/charts/drawn-labels'
import {
  historyChartOption,
  type HistoryField
} from '../../../src/renderer/src/charts/history-chart-option'
import type { SeriesBucket } from '../../../src/shared/history-types'

// A device's history chart as ECharts itself lays it out (server-side, as SVG: no browser), its
// text measured as wide as Chromium draws the UI's 12 px sans-serif.

echarts.use([
  LineChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
  ToolboxComponent,
  SVGRenderer
])

beforeAll(() => {
  echarts.setPlatformAPI({
    measureText(text: string, font?: string) {
      const size = Number(/(\d+(?:\.\d+)?)px/.exec(font ?? '')?.[1] ?? 12)
      let width = 0
      for (const c of text) width += /[\w]/.test(c) ? 0.64 * size : 0.34 * size
      return { width }
    }
  })
})

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const END = new Date('2025-03-10T12:00:00').getTime()
const HEIGHT = 280
const COLORS = { text: '#000', line: '#ccc', series: ['#111', '#222', '#333', '#444'] }

/** A bucket a minute from `t`, its values around `avg`. */
const bucket = (t: number, avg: number, spread = 1): SeriesBucket => ({
  t,
  min: avg - spread,
  max: avg + spread,
  avg,
  count: 60,
  last: avg
})

/** An hour of minute buckets up to END, about `level` ± 1. */
function hour(level: number): SeriesBucket[] {
  return Array.from({ length: 60 }, (_, i) =>
    bucket(END - HOUR + i * MINUTE, level + Math.sin(i / 5) * 0.5, 0.5)
  )
}

const field = (name: string, buckets: SeriesBucket[], limits: number[] = []): HistoryField => ({
  name,
  buckets,
  limits: limits.map((value) => ({ value, label: `${name} limit ${value}`, color: '#c00' }))
})

function optionOf(fields: HistoryField[], width = 900) {
  return historyChartOption({
    fields,
    bucketMs: MINUTE,
    min: END - HOUR,
    max: END,
    width,
    lng: 'en',
    colors: COLORS
  })
}

/** Lays the option out and hands over the labels drawn. */
function drawn(
  option: ReturnType<typeof historyChartOption>,
  width = 900
): { x: DrawnLabel[]; y: DrawnLabel[] } {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height: HEIGHT })
  try {
    chart.setOption(option)
    const bottom = HEIGHT - option.grid.bottom
    return { x: drawnXAxisLabels(chart, bottom), y: drawnYAxisLabels(chart, bottom) }
  } finally {
    chart.dispose()
  }
}

type AnySeries = { id: string; data: unknown[]; stack?: string; areaStyle?: unknown } & Record<
  string,
  unknown
>
const seriesOf = (option: ReturnType<typeof historyChartOption>): AnySeries[] =>
  option.series as unknown as AnySeries[]

describe('a device’s history chart', () => {
  it('draws the average as the line and the min to max as a band behind it', () => {
    const option = optionOf([field('temp', hour(55))])
    const [line, low, span] = seriesOf(option)
    expect(line).toMatchObject({ id: 'avg:0', type: 'line', name: 'temp', z: 3 })
    expect(line!.data[0]).toEqual([END - HOUR, 55, 54.5, 55.5, 60])
    // The band: an invisible line at each bucket's min, and stacked on it max − min, filled.
    expect(low).toMatchObject({ stack: 'band:0', stackStrategy: 'all', z: 1 })
    expect(low!.areaStyle).toBeUndefined()
    expect(low!.data[0]).toEqual([END - HOUR, 54.5])
    expect(span).toMatchObject({ stack: 'band:0', stackStrategy: 'all', z: 1 })
    expect(span!.areaStyle).toBeDefined()
    expect(span!.data[0]).toEqual([END - HOUR, 1])
    // Behind the line, and out of the tooltip (which reads the line's min and max).
    expect([low!.tooltip, span!.tooltip]).toEqual([{ show: false }, { show: false }])
  })

  it('scales the y axis to the data, not from 0: 55 ± 1 °C is not a flat line', () => {
    const { y } = drawn(optionOf([field('temp', hour(55))]))
    const values = y.map((l) => l.value)
    expect(values.length).toBeGreaterThanOrEqual(3)
    expect(Math.min(...values)).toBeGreaterThan(53)
    expect(Math.max(...values)).toBeLessThan(57)
    // The data (54–56) fills most of the axis.
    expect(56 - 54).toBeGreaterThan(0.6 * (Math.max(...values) - Math.min(...values)))
  })

  it('gives each field its own y axis, taking turns left and right', () => {
    const option = optionOf([field('temp', hour(55)), field('pressure', hour(1013))])
    expect(option.yAxis.map((a) => [a.position, a.offset])).toEqual([
      ['left', 0],
      ['right', 0]
    ])
    expect(seriesOf(option).map((s) => [s.id, s.yAxisIndex])).toEqual([
      ['avg:0', 0],
      ['low:0', 0],
      ['span:0', 0],
      ['avg:1', 1],
      ['low:1', 1],
      ['span:1', 1]
    ])
    expect(option.legend).toMatchObject({ show: true, data: ['temp', 'pressure'] })
    // Drawn: left of the plot the temperatures, right of it the pressures.
    const { y } = drawn(option)
    const left = y.filter((l) => l.right < 450).map((l) => l.value)
    const right = y.filter((l) => l.left > 450).map((l) => l.value)
    expect(left.length).toBeGreaterThanOrEqual(3)
    expect(right.length).toBeGreaterThanOrEqual(3)
    for (const v of left) expect(v).toBeGreaterThan(50)
    for (const v of left) expect(v).toBeLessThan(60)
    for (const v of right) expect(v).toBeGreaterThan(1000)
    for (const v of right) expect(v).toBeLessThan(1030)
  })

  it('sets a third and a fourth axis beside the first two, and leaves the plot room for them', () => {
    const option = optionOf(['a', 'b', 'c', 'd'].map((n, i) => field(n, hour(10 * (i + 1)))))
    expect(option.yAxis.map((a) => [a.position, a.offset])).toEqual([
      ['left', 0],
      ['right', 0],
      ['left', 52],
      ['right', 52]
    ])
    expect(option.grid.left).toBeGreaterThanOrEqual(2 * 52)
    expect(option.grid.right).toBeGreaterThanOrEqual(2 * 52)
    expect(option.yAxis.map((a) => a.axisLine.lineStyle.color)).toEqual(COLORS.series)
  })

  it('keeps the alarm limits on a field’s axis in sight, however far from the data', () => {
    const option = optionOf([field('temp', hour(55), [80, 40])])
    const [line] = seriesOf(option)
    const lines = (line!.markLine as { data: Array<{ yAxis: number }> }).data
    expect(lines.map((l) => l.yAxis)).toEqual([80, 40])
    const axis = option.yAxis[0]! as { min: number; max: number }
    expect(axis.min).toBeLessThanOrEqual(40)
    expect(axis.min).toBeGreaterThan(0)
    // Room above the highest limit for its label.
    expect(axis.max).toBeGreaterThan(80)
    const { y } = drawn(option)
    expect(Math.max(...y.map((l) => l.value))).toBeGreaterThanOrEqual(80)
    expect(Math.min(...y.map((l) => l.value))).toBeLessThanOrEqual(40)
  })

  it('breaks the line and the band where buckets are missing', () => {
    // Minute buckets, each of 60 reports; 10 minutes missing in the middle.
    const buckets = hour(55).filter((_, i) => i < 20 || i >= 30)
    const [line, low, span] = seriesOf(optionOf([field('temp', buckets)]))
    const gap = END - HOUR + 20 * MINUTE
    expect(line!.data).toHaveLength(51)
    expect(line!.data[20]).toEqual([gap, null, null, null, 0])
    expect(low!.data[20]).toEqual([gap, null])
    expect(span!.data[20]).toEqual([gap, null])
    expect(line!.data.filter((r) => (r as unknown[])[1] === null)).toHaveLength(1)
    expect(line!.connectNulls).toBeUndefined() // ECharts' default: a null breaks the line
  })

  it('draws a bucket no line reaches as a dot', () => {
    const alone = bucket(END - 30 * MINUTE, 55)
    const option = optionOf([field('temp', [...hour(55).slice(0, 10), alone])])
    const dots = seriesOf(option).find((s) => s.id === 'dot:0')
    expect(dots).toMatchObject({ showSymbol: true, data: [[alone.t, 55]] })
    // Without a lone bucket, no dots.
    expect(seriesOf(optionOf([field('temp', hour(55))])).map((s) => s.id)).not.toContain('dot:0')
  })

  it('labels the time axis without overlaps, at whole steps of the clock, at any range', () => {
    for (const span of [15 * MINUTE, HOUR, 6 * HOUR, 24 * HOUR, 7 * 24 * HOUR, 30 * 24 * HOUR])
      for (const width of [320, 640, 900, 1400]) {
        const option = historyChartOption({
          fields: [field('temp', hour(55))],
          bucketMs: MINUTE,
          min: END - span,
          max: END,
          width,
          lng: 'en',
          colors: COLORS
        })
        const { x } = drawn(option, width)
        const where = `${span / MINUTE} min at ${width} px`
        expect(x.length, where).toBeGreaterThanOrEqual(2)
        const overlaps = x.slice(1).filter((l, i) => l.left < x[i]!.right + 4)
        expect(overlaps, where).toEqual([])
      }
  })

  it('writes a day on the time axis as the day, an hour as the time', () => {
    const option = historyChartOption({
      fields: [field('temp', hour(55))],
      bucketMs: 10 * MINUTE,
      min: END - 7 * 24 * HOUR,
      max: END,
      width: 1400,
      lng: 'en',
      colors: COLORS
    })
    const format = option.xAxis.axisLabel.formatter!
    const midnight = new Date('2025-03-08T00:00:00').getTime()
    expect(format(midnight)).toBe('Mar 8')
    expect(format(midnight + 12 * HOUR)).toBe('12:00')
  })

  it('shows a field named like rich-text markup literally in the tooltip, the band left out', () => {
    const name = '{a|RICH}{marker0|}'
    const option = optionOf([field(name, hour(55))])
    const text = option.tooltip.formatter([
      {
        seriesId: 'avg:0',
        seriesName: name,
        marker: '{marker0|}',
        value: [END, 4242.5, 4240, 4245, 3],
        axisValue: END
      },
      { seriesId: 'low:0', seriesName: name, value: [END, 4240] },
      { seriesId: 'span:0', seriesName: name, value: [END, 5] }
    ])
    const lines = text.split('\n')
    expect(lines).toHaveLength(2)
    // The marker is the only styled run; the name's braces open none (a word joiner after each).
    expect(lines[1]).toBe('{marker0|}{\u2060a|RICH}{\u2060marker0|}  4,242.5  (4,240 – 4,245)')
  })
})
