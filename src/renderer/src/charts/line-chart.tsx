import ReactEChartsCore from 'echarts-for-react/esm/core'
import { useEffect, useMemo, useRef } from 'react'

import { useColorScheme } from '../hooks/use-color-scheme'
import { plainChartText } from './chart-text'
import { chartTheme, echarts } from './echarts'

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

export interface LineChartProps {
  series: LineSeries[]
  /** Fixed y range (CPU load is 0–100); otherwise it follows the data. */
  yMax?: number
  /** The x axis shows this window up to `until` (a rolling window), else the data's span. */
  window?: { ms: number; until: number }
  unit?: string
  height: number
  label: string
  testId: string
}

/**
 * A time-series line chart. The chart is created once and given new data with setOption, so a
 * chart updated every second never flickers or loses its tooltip. After each update the
 * container carries what the chart itself holds (`data-series`, `data-last-time`): what the
 * end-to-end tests read, since a canvas has no DOM to inspect.
 */
export function LineChart(props: LineChartProps): React.JSX.Element {
  const scheme = useColorScheme()
  const colors = chartTheme(scheme)
  const chart = useRef<ReactEChartsCore>(null)

  // Built again only when what it shows changes: echarts-for-react compares options and calls
  // setOption on any difference, so an option made anew each render would redraw each render.
  const { series, yMax, unit } = props
  const windowMs = props.window?.ms
  const windowUntil = props.window?.until
  const option = useMemo(
    () => ({
      animation: false,
      backgroundColor: 'transparent',
      textStyle: { color: colors.text },
      grid: { left: 44, right: 12, top: series.length > 1 ? 32 : 12, bottom: 28 },
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
        min:
          windowMs !== undefined && windowUntil !== undefined ? windowUntil - windowMs : undefined,
        max: windowUntil,
        axisLine: { lineStyle: { color: colors.line } },
        splitLine: { show: false }
      },
      yAxis: {
        type: 'value',
        min: 0,
        max: yMax,
        axisLabel: { formatter: `{value}${unit ?? ''}` },
        splitLine: { lineStyle: { color: colors.line } }
      },
      series: series.map((s) => ({ name: s.name, type: 'line', showSymbol: false, data: s.data }))
    }),
    [series, yMax, unit, windowMs, windowUntil, colors.text, colors.line]
  )

  // The instance is created asynchronously on mount: until it exists there is nothing to read.
  useEffect(() => {
    const element = chart.current?.ele
    const shown = (
      chart.current?.getEchartsInstance()?.getOption() as
        { series?: Array<{ data?: Array<[number, number]> }> } | undefined
    )?.series
    if (element === undefined || shown === undefined) return
    element.dataset.series = String(shown.length)
    element.dataset.lastTime = String(shown[0]?.data?.at(-1)?.[0] ?? '')
  })

  return (
    <ReactEChartsCore
      ref={chart}
      echarts={echarts}
      option={option}
      notMerge={false}
      replaceMerge={['series']}
      lazyUpdate
      style={{ height: props.height, width: '100%' }}
      role="img"
      aria-label={props.label}
      data-testid={props.testId}
    />
  )
}
