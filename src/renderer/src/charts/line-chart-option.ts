import { plainChartText } from './chart-text'

export interface LineSeries {
  name: string
  /** [time, value] pairs, oldest first. */
  data: Array<[number, number]>
}

/** A horizontal line at a value (an alarm rule's limit), labelled and coloured. */
export interface ChartLimit {
  value: number
  label: string
  color: string
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

/** Steps between time labels, in seconds: each a whole part of the step above it. */
const LABEL_STEPS_S = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600]

/**
 * The times the x axis is labelled at on a plot `plotWidth` px wide showing `min` to `max`: the
 * multiples of the smallest step that leaves each label TIME_LABEL_PX, so they keep their
 * places as the window rolls. Chosen here, not by ECharts: its time axis picks labels from a
 * split, not from the room they have (a 60 s window split 6 ways, its default, is labelled every
 * 5 s: at 600 px those ran into each other), and split 6 ways it labels a minute that holds
 * midnight at 00:00:00 alone, for the whole minute.
 */
export function timeLabelValues(min: number, max: number, plotWidth: number): number[] {
  const span = max - min
  if (!(span > 0) || !(plotWidth > 0)) return []
  const stepS =
    LABEL_STEPS_S.find((s) => ((s * 1000) / span) * plotWidth >= TIME_LABEL_PX) ??
    LABEL_STEPS_S.at(-1)!
  const step = stepS * 1000
  const values: number[] = []
  for (let t = Math.ceil(min / step) * step; t <= max; t += step) values.push(t)
  return values
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
  /** Drawn across the plot; the y axis stretches to keep them in sight. */
  limits?: readonly ChartLimit[]
  colors: { text: string; line: string }
}

/** The ECharts option of a time-series line chart. */
export function lineChartOption(input: LineChartOptionInput) {
  const { series, unit, colors } = input
  const limits = input.limits ?? []
  const limitValues = limits.map((l) => l.value)
  // Room above the highest limit for its label, which sits on top of its line.
  const highest = Math.max(...limitValues)
  const ceiling = highest + (Math.abs(highest) * 0.1 || 1)
  const plotWidth =
    input.width === undefined ? undefined : input.width - CHART_GRID.left - CHART_GRID.right
  const labelValues =
    plotWidth === undefined || input.min === undefined || input.max === undefined
      ? undefined
      : timeLabelValues(input.min, input.max, plotWidth)
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
      // Until the width and the window are known, ECharts' own labels; whatever the width, a
      // label that would still touch another (a narrow chart, a wider font) is left out, never
      // drawn over it. One format for every label: ECharts' own writes a minute's `18:50` bold
      // and a day's first second as the day (`2`).
      axisTick: { customValues: labelValues },
      axisLabel: {
        hideOverlap: true,
        customValues: labelValues,
        formatter: labelValues === undefined ? undefined : '{HH}:{mm}:{ss}'
      },
      axisLine: { lineStyle: { color: colors.line } },
      splitLine: { show: false }
    },
    yAxis: {
      type: 'value',
      // ECharts leaves mark lines out of the axis' extent: a limit past the data would be off
      // the plot, where nobody sees how far the value is from it.
      min: limits.length === 0 ? 0 : Math.min(0, ...limitValues),
      max:
        input.yMax ??
        (limits.length === 0
          ? undefined
          : (extent: { max: number }) => Math.max(extent.max, ceiling)),
      axisLabel: { formatter: `{value}${unit ?? ''}` },
      splitLine: { lineStyle: { color: colors.line } }
    },
    series: series.map((s, i) => ({
      name: s.name,
      type: 'line',
      showSymbol: false,
      data: s.data,
      ...(i === 0 && limits.length > 0 ? { markLine: limitLines(limits) } : {})
    }))
  }
}

/** The limits as one series' mark lines: dashed, labelled at the plot's right end. */
export function limitLines(limits: readonly ChartLimit[]) {
  return {
    silent: true,
    symbol: 'none',
    animation: false,
    data: limits.map((l) => ({
      yAxis: l.value,
      lineStyle: { color: l.color, type: 'dashed', width: 1.5 },
      label: {
        // A function, not a string: a string is a template, where `{b}` in a name would be read.
        formatter: () => plainChartText(l.label),
        position: 'insideEndTop',
        color: l.color
      }
    }))
  }
}
