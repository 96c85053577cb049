import type { EChartsType } from 'echarts/core'
import ReactEChartsCore from 'echarts-for-react/esm/core'
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'

import { useColorScheme } from '../hooks/use-color-scheme'
import { drawnXAxisLabels } from './drawn-labels'
import { chartTheme, echarts } from './echarts'
import { lineChartOption, type ChartLimit, type LineSeries } from './line-chart-option'

export type { ChartLimit, LineSeries }

export interface LineChartProps {
  series: LineSeries[]
  /** Fixed y range (CPU load is 0–100); otherwise it follows the data. */
  yMax?: number
  /** The x axis shows this window up to `until` (a rolling window), else the data's span. */
  window?: { ms: number; until: number }
  unit?: string
  /** Lines across the plot at these values (alarm limits); a stable array, or it redraws. */
  limits?: readonly ChartLimit[]
  height: number
  label: string
  testId: string
}

/**
 * After each drawing the container carries the x labels drawn (`data-x-labels`: [left, right]
 * px of each) and the width they were drawn at (`data-drawn-width`): what the end-to-end tests
 * read to see that none overlap, once the chart is drawn at the window's size. A stable object,
 * or echarts-for-react would bind it again on every render.
 */
const CHART_EVENTS = {
  finished: (_: unknown, chart: EChartsType) => {
    const labels = drawnXAxisLabels(chart).map((l) => [Math.round(l.left), Math.round(l.right)])
    const dom = chart.getDom()
    dom.dataset.xLabels = JSON.stringify(labels)
    dom.dataset.drawnWidth = String(chart.getWidth())
  }
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
  // The x labels are spaced for the chart's width: followed as the window or the panel resizes.
  // Measured before the chart exists (echarts-for-react creates it a frame later), so that its
  // first drawing already spaces them for its width.
  const [width, setWidth] = useState<number | undefined>(undefined)
  useLayoutEffect(() => {
    const element = chart.current?.ele
    if (element === undefined || element === null) return
    setWidth(element.clientWidth)
    const observer = new ResizeObserver(([entry]) => {
      if (entry !== undefined) setWidth(Math.round(entry.contentRect.width))
    })
    observer.observe(element)
    return () => observer.disconnect()
  }, [])
  // The option for the new width is set by now (lazily): laying the chart out here draws it once,
  // at the new size with its labels. echarts-for-react's own resize, 60 ms later, would first
  // draw the old labels at the new size. 'auto': the chart was created with a fixed size.
  useEffect(() => {
    if (width !== undefined)
      chart.current?.getEchartsInstance()?.resize({ width: 'auto', height: 'auto' })
  }, [width])

  // Built again only when what it shows changes: echarts-for-react compares options and calls
  // setOption on any difference, so an option made anew each render would redraw each render.
  const { series, yMax, unit, limits } = props
  const windowMs = props.window?.ms
  const windowUntil = props.window?.until
  const option = useMemo(
    () =>
      lineChartOption({
        series,
        yMax,
        unit,
        min:
          windowMs !== undefined && windowUntil !== undefined ? windowUntil - windowMs : undefined,
        max: windowUntil,
        width,
        limits,
        colors: { text: colors.text, line: colors.line }
      }),
    [series, yMax, unit, windowMs, windowUntil, width, limits, colors.text, colors.line]
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
      autoResize={false}
      onEvents={CHART_EVENTS}
      style={{ height: props.height, width: '100%' }}
      role="img"
      aria-label={props.label}
      data-testid={props.testId}
    />
  )
}
