import { LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'
import { beforeAll, describe, expect, it } from 'vitest'

import { drawnXAxisLabels, type DrawnLabel } from '../../../src/renderer/src/charts/drawn-labels'
import { lineChartOption } from '../../../src/renderer/src/charts/line-chart-option'

// The CPU chart's option laid out by ECharts itself (server-side, as SVG: no browser), with text
// measured as wide as Chromium draws the UI's 12 px sans-serif: `18:49:15` 54 px. Found in
// review: at 1440 px the chart's time labels ran into each other (`18:49:1518:49:20…`).

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, SVGRenderer])

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

const WINDOW_MS = 60_000

/** The x labels of the host panel's CPU chart `width` px wide, its window ending at `until`. */
function labelsAt(width: number, until: number): DrawnLabel[] {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height: 220 })
  try {
    // Two points are enough: the labels depend on the window and the width, not on the data.
    const data: Array<[number, number]> = [
      [until - 59_000, 20],
      [until, 80]
    ]
    chart.setOption(
      lineChartOption({
        series: [
          { name: 'core 0', data },
          { name: 'core 1', data }
        ],
        yMax: 100,
        unit: '%',
        min: until - WINDOW_MS,
        max: until,
        width,
        colors: { text: '#000', line: '#ccc' }
      })
    )
    return drawnXAxisLabels(chart)
  } finally {
    chart.dispose()
  }
}

const overlaps = (labels: DrawnLabel[]): string[] =>
  labels.slice(1).flatMap((label, i) => {
    const before = labels[i]!
    return label.left < before.right + 4 ? [`${before.right} > ${label.left}`] : []
  })

// A minute window that ends on a whole second, mid-second, and just before a label's time.
const ENDS = ['18:50:00.000', '18:50:03.400', '18:50:09.900'].map((t) =>
  new Date(`2025-01-01T${t}`).getTime()
)

describe('the CPU chart’s time axis', () => {
  it('draws its labels apart at 1440 px, where the host panel’s chart is about 690 px wide', () => {
    for (const until of ENDS) {
      const labels = labelsAt(690, until)
      expect(labels.length).toBeGreaterThanOrEqual(4)
      expect(overlaps(labels)).toEqual([])
    }
  })

  it('labels a minute that holds midnight like any other, not with its 00:00:00 alone', () => {
    // Found in a run at 00:00 UTC: ECharts, split 6 ways, drew one label (the day's) for a minute.
    const midnight = new Date('2025-01-01T00:00:00').getTime()
    for (const until of [midnight + 400, midnight + 20_000, midnight + 59_600]) {
      const labels = labelsAt(690, until)
      expect(labels.length, new Date(until).toISOString()).toBeGreaterThanOrEqual(4)
      expect(overlaps(labels)).toEqual([])
    }
  })

  it('draws no label over another at any width; from 240 px, two or more, evenly spaced in time', () => {
    for (let width = 120; width <= 2000; width += 80)
      for (const until of ENDS) {
        const labels = labelsAt(width, until)
        expect(overlaps(labels), `${width} px`).toEqual([])
        if (width < 240) continue
        expect(labels.length, `${width} px`).toBeGreaterThanOrEqual(2)
        // Even steps: the labels keep their places as the window rolls, none jumps.
        const steps = new Set(labels.slice(1).map((label, i) => label.value - labels[i]!.value))
        expect([...steps], `${width} px`).toHaveLength(1)
      }
  })
})
