import type { SeriesBucket } from '../../../shared/history-types'
import { formatCompactNumber, formatDateTime, formatReading } from '../format'
import { plainChartText } from './chart-text'
import { limitLines, type ChartLimit } from './line-chart-option'
import { isolated, seriesRows, type GapRow, type SeriesRow } from './series-rows'
import { timeAxisLabels, timeLabelText } from './time-axis'
import { valueExtent } from './value-axis'

/** One field on a device's history chart: its buckets, and the alarm limits drawn on its axis. */
export interface HistoryField {
  name: string
  buckets: readonly SeriesBucket[]
  limits: readonly ChartLimit[]
}

export interface HistoryChartInput {
  fields: readonly HistoryField[]
  /** The width of the buckets (the series' `bucketMs`): where one is missing, a gap. */
  bucketMs: number
  /** The range shown, epoch ms. */
  min: number
  max: number
  /** The chart's width in px, once known: the x labels are spaced for it. */
  width?: number
  lng: string
  colors: { text: string; line: string; series: readonly string[] }
}

/**
 * Room each y axis takes beside the plot: its labels (`53.5`, `12K`: the compact form keeps
 * big values narrow) and its line.
 */
export const AXIS_PX = 52
const GRID = { bottom: 28, top: 12, legendTop: 32, edge: 12 }

/** The grid's margins for `count` y axes, taking turns left and right. */
export function historyGrid(count: number): { left: number; right: number } {
  const left = Math.ceil(Math.max(count, 1) / 2)
  const right = Math.floor(count / 2)
  return { left: 8 + left * AXIS_PX, right: right === 0 ? GRID.edge + 4 : 8 + right * AXIS_PX }
}

/** What the chart's axis tooltip reads of each series at the pointer. */
interface TooltipPoint {
  marker?: unknown
  seriesId?: string
  seriesName?: string
  value?: unknown
  axisValue?: unknown
}

/** Series ids: one field's line, the two stacked parts of its band, its lone points. */
const AVG = 'avg:'

/**
 * The ECharts option of a device's history: one y axis per field, taking turns on the left and
 * the right, each scaled to its own data and its alarm limits (not from 0); per field, the
 * average as the line and the bucket's min to max as a band behind it, broken where buckets are
 * missing. The band is ECharts' stacked-area trick: an invisible line at each bucket's min, and
 * stacked on it an area as high as max − min (stacked whatever their signs: `stackStrategy:
 * 'all'`), so no custom series is needed. A bucket with no neighbour, which no line reaches, is
 * drawn as a dot. Dragging across the plot selects a range (the toolbox's data zoom, its icons
 * hidden): the chart hands it on (`datazoom`), and the caller fetches that range finer.
 */
export function historyChartOption(input: HistoryChartInput) {
  const { fields, colors, lng } = input
  const grid = historyGrid(fields.length)
  const plotWidth = input.width === undefined ? undefined : input.width - grid.left - grid.right
  const labels =
    plotWidth === undefined ? undefined : timeAxisLabels(input.min, input.max, plotWidth)
  const color = (i: number): string => colors.series[i % colors.series.length]!
  const rows = fields.map((f) => seriesRows(f.buckets, input.bucketMs))
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { color: colors.text },
    grid: { ...grid, bottom: GRID.bottom, top: fields.length > 1 ? GRID.legendTop : GRID.top },
    legend: {
      show: fields.length > 1,
      type: 'scroll',
      top: 0,
      data: fields.map((f) => f.name),
      formatter: plainChartText,
      textStyle: { color: colors.text }
    },
    // Rich text, not HTML: the page's CSP allows no inline styles, which HTML tooltips use.
    tooltip: {
      trigger: 'axis',
      renderMode: 'richText',
      formatter: (params: TooltipPoint | TooltipPoint[]) => tooltipText(params, lng)
    },
    // Shown (a hidden toolbox draws none of its features, the zoom among them) but with no room
    // for its icons: the dialog has its own button back to the range chosen.
    toolbox: {
      show: true,
      itemSize: 0,
      itemGap: 0,
      showTitle: false,
      feature: {
        dataZoom: {
          xAxisIndex: 0,
          yAxisIndex: false,
          filterMode: 'none',
          brushStyle: { color: 'rgba(120, 150, 220, 0.25)' }
        }
      }
    },
    xAxis: {
      type: 'time',
      min: input.min,
      max: input.max,
      axisTick: { customValues: labels?.values },
      axisLabel: {
        hideOverlap: true,
        customValues: labels?.values,
        formatter:
          labels === undefined ? undefined : (t: number) => timeLabelText(t, labels.step, lng)
      },
      axisLine: { lineStyle: { color: colors.line } },
      splitLine: { show: false }
    },
    yAxis: fields.map((f, i) => {
      const drawn = rows[i]!.flatMap((r) => (r[1] === null ? [] : [r[2], r[3]]))
      const extent = valueExtent(
        drawn,
        f.limits.map((l) => l.value)
      )
      return {
        type: 'value',
        position: i % 2 === 0 ? 'left' : 'right',
        offset: Math.floor(i / 2) * AXIS_PX,
        // Without data or limits (a field with no value in the range): ECharts' own range.
        ...(extent ?? { scale: true }),
        axisLine: { show: true, lineStyle: { color: color(i) } },
        axisTick: { show: true },
        axisLabel: { color: color(i), formatter: (v: number) => axisNumber(v, lng) },
        // The first axis' lines only: the others' would not fall on them.
        splitLine: { show: i === 0, lineStyle: { color: colors.line } }
      }
    }),
    series: fields.flatMap((f, i) => fieldSeries(f, i, rows[i]!, color(i)))
  }
}

/** One field's series: the band's two stacked parts, the average line, its lone points. */
function fieldSeries(
  field: HistoryField,
  i: number,
  rows: ReadonlyArray<SeriesRow | GapRow>,
  color: string
) {
  const common = {
    // The field's name on each: the legend's entry shows and hides all of them at once.
    name: field.name,
    type: 'line',
    yAxisIndex: i,
    showSymbol: false,
    color
  }
  const band = {
    ...common,
    stack: `band:${i}`,
    stackStrategy: 'all',
    silent: true,
    z: 1,
    lineStyle: { opacity: 0 },
    tooltip: { show: false }
  }
  const lone = rows.flatMap((r, j) => (isolated(rows, j) ? [[r[0], r[1]]] : []))
  return [
    // First, so that the legend's entry is drawn as the line.
    {
      ...common,
      id: `${AVG}${i}`,
      z: 3,
      lineStyle: { width: 1.5 },
      data: rows,
      encode: { x: 0, y: 1 },
      ...(field.limits.length > 0 ? { markLine: limitLines(field.limits) } : {})
    },
    { ...band, id: `low:${i}`, data: rows.map((r) => [r[0], r[2]]) },
    {
      ...band,
      id: `span:${i}`,
      areaStyle: { color, opacity: 0.2 },
      data: rows.map((r) => [r[0], r[3] === null ? null : r[3] - r[2]!])
    },
    ...(lone.length === 0
      ? []
      : [
          {
            ...common,
            id: `dot:${i}`,
            data: lone,
            showSymbol: true,
            symbol: 'circle',
            symbolSize: 5,
            silent: true,
            z: 3,
            lineStyle: { opacity: 0 },
            tooltip: { show: false }
          }
        ])
  ]
}

/**
 * The axis tooltip, as rich text in which only the markers are styled runs (a `}` in a field's
 * name would end a run early): per field its average, and the min to max of its bucket.
 */
function tooltipText(params: TooltipPoint | TooltipPoint[], lng: string): string {
  const points = (Array.isArray(params) ? params : [params]).filter((p) =>
    p.seriesId?.startsWith(AVG)
  )
  const lines = points.flatMap((p) => {
    const [, avg, min, max, count] = (Array.isArray(p.value) ? p.value : []) as Array<number | null>
    if (avg == null) return []
    const marker = typeof p.marker === 'string' ? p.marker : ''
    const spread =
      (count ?? 0) > 1 && min != null && max != null && min !== max
        ? `  (${formatReading(min, lng)} – ${formatReading(max, lng)})`
        : ''
    return [`${marker}${plainChartText(p.seriesName ?? '')}  ${formatReading(avg, lng)}${spread}`]
  })
  const time = Number(points[0]?.axisValue)
  return [Number.isFinite(time) ? formatDateTime(time, lng) : '', ...lines].join('\n')
}

/** A y label: as the language writes numbers, the compact form from 100,000 up. */
function axisNumber(value: number, lng: string): string {
  return Math.abs(value) >= 100_000 ? formatCompactNumber(value, lng) : formatReading(value, lng)
}
