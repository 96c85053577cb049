import { plainChartText } from './chart-text'

export interface LineSeries {
  name: string
  /** [time, value] pairs, oldest first. */
  data: Array<[number, number]>
}

/** What the chart's axis tooltip reads of each series at the pointer. */
interface TooltipPoint {
  marker?: unknown
  seriesName?: string
  value?: unknown
  axisValueLabel?: string
}

/** The plot's margins inside the chart: the y labels on the left. */
export const CHART_GRID = { left: 44, right: 12, bottom: 28 }

/**
 * Room one time label takes on the x axis: `18:49:15` is 54 px wide in Chromium's 12 px
 * sans-serif, and a gap beside it.
 */
export const TIME_LABEL_PX = 75

/**
 * How many parts the x axis is split into on a plot `plotWidth` px wide. ECharts picks the time
 * labels from the split, not from the room they have (a 60 s window split 6 ways, its default,
 * is labelled every 5 s: at 600 px those ran into each other), and puts up to two labels in
 * each part: fewer parts on a narrower plot keep the labels evenly spaced with room between.
 */
export function timeAxisSplits(plotWidth: number): number {
  return Math.max(2, Math.min(6, Math.floor(plotWidth / (2 * TIME_LABEL_PX))))
}

/**
 * The axis tooltip as rich text in which only the markers are styled runs: ECharts' default
 * wraps each series name in a run, and a `}` in a name would end that run early.
 */
function tooltipText(params: TooltipPoint | TooltipPoint[], unit: string): string {
  const points = Array.isArray(params) ? params : [params]
  const lines = points.map((p) => {
    const value = Array.isArray(p.value) ? (p.value[1] as unknown) : p.value
    const marker = typeof p.marker === 'string' ? p.marker : ''
    return `${marker}${plainChartText(p.seriesName ?? '')}  ${plainChartText(`${String(value)}${unit}`)}`
  })
  return [plainChartText(points[0]?.axisValueLabel ?? ''), ...lines].join('\n')
}

export interface LineChartOptionInput {
  series: LineSeries[]
  /** Fixed y range (CPU load is 0–100); otherwise it follows the data. */
  yMax?: number
  unit?: string
  /** The x axis from `min` to `max`; else the data's span. */
  min?: number
  max?: number
  /** The chart's width in px, once known: the x axis labels are spaced for it. */
  width?: number
  colors: { text: string; line: string }
}

/** The ECharts option of a time-series line chart. */
export function lineChartOption(input: LineChartOptionInput) {
  const { series, unit, colors } = input
  const plotWidth =
    input.width === undefined ? undefined : input.width - CHART_GRID.left - CHART_GRID.right
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { color: colors.text },
    grid: { ...CHART_GRID, top: series.length > 1 ? 32 : 12 },
    legend: {
      show: series.length > 1,
      type: 'scroll',
      top: 0,
      formatter: plainChartText,
      textStyle: { color: colors.text }
    },
    // Rich text, not HTML: the page's CSP allows no inline styles, which HTML tooltips use.
    // Series names are field names devices chose: the formatter keeps them literal.
    tooltip: {
      trigger: 'axis',
      renderMode: 'richText',
      formatter: (params: TooltipPoint | TooltipPoint[]) => tooltipText(params, unit ?? '')
    },
    xAxis: {
      type: 'time',
      min: input.min,
      max: input.max,
      // Until the width is known, ECharts' own split; whatever the width, a label that would
      // still touch another (a narrow chart, a wider font) is left out, never drawn over it.
      splitNumber: plotWidth === undefined ? undefined : timeAxisSplits(plotWidth),
      axisLabel: { hideOverlap: true },
      axisLine: { lineStyle: { color: colors.line } },
      splitLine: { show: false }
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: input.yMax,
      axisLabel: { formatter: `{value}${unit ?? ''}` },
      splitLine: { lineStyle: { color: colors.line } }
    },
    series: series.map((s) => ({ name: s.name, type: 'line', showSymbol: false, data: s.data }))
  }
}
