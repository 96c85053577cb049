import type { EChartsType } from 'echarts/core'
import ReactEChartsCore from 'echarts-for-react/esm/core'
import { useEffect, useMemo, useRef } from 'react'
import { useTranslation } from 'react-i18next'

import { useColorScheme } from '../hooks/use-color-scheme'
import { drawnXAxisLabels, drawnYAxisLabels } from './drawn-labels'
import { chartTheme, echarts, seriesColors } from './echarts'
import { historyChartOption, type HistoryField } from './history-chart-option'

export type { HistoryField }

export interface HistoryChartProps {
  fields: readonly HistoryField[]
  bucketMs: number
  /** The range shown, epoch ms. */
  min: number
  max: number
  /** The chart's width in px (its container's), once known. */
  width: number | undefined
  height: number
  /** Called with the range the user dragged across, epoch ms. */
  onZoom: (since: number, until: number) => void
  /** Written on the container once drawn (`data-<key>`): what the end-to-end tests read. */
  drawn: Readonly<Record<string, string>>
  label: string
  testId: string
}

/** What a `datazoom` event carries when it comes from a drag across the plot. */
interface ZoomEvent {
  batch?: Array<{ startValue?: number; endValue?: number }>
}

/** The plot's bottom edge, px from the chart's top: the grid's bottom margin above the edge. */
const plotBottom = (chart: EChartsType): number => {
  const grid = (chart.getOption() as { grid?: Array<{ bottom?: number }> }).grid?.[0]
  return chart.getHeight() - (grid?.bottom ?? 0)
}

/**
 * A device's history: its fields over a range, each on its own y axis, with their min/max
 * bands, alarm limits and gaps (see history-chart-option.ts). Dragging across the plot zooms:
 * the range dragged is handed to `onZoom`, and the chart shows whatever `min`–`max` it is given
 * next. After each drawing the container carries `drawn` and the labels drawn
 * (`data-x-labels`, `data-y-labels`): a canvas has no DOM for the end-to-end tests to read.
 */
export function HistoryChart(props: HistoryChartProps): React.JSX.Element {
  const { i18n } = useTranslation()
  const lng = i18n.resolvedLanguage ?? 'en'
  const scheme = useColorScheme()
  const chart = useRef<ReactEChartsCore>(null)
  const { fields, bucketMs, min, max, width } = props

  const option = useMemo(() => {
    const theme = chartTheme(scheme)
    return historyChartOption({
      fields,
      bucketMs,
      min,
      max,
      width,
      lng,
      colors: { text: theme.text, line: theme.line, series: seriesColors(scheme) }
    })
  }, [fields, bucketMs, min, max, width, lng, scheme])

  // Read by the chart's events, which are bound once: the latest props, not those of the first.
  const latest = useRef(props)
  latest.current = props
  const events = useMemo(
    () => ({
      finished: (_: unknown, instance: EChartsType) => {
        const dom = instance.getDom()
        const bottom = plotBottom(instance)
        const labels = (ls: Array<{ value: number; left: number; right: number }>): string =>
          JSON.stringify(ls.map((l) => [l.value, Math.round(l.left), Math.round(l.right)]))
        dom.dataset.xLabels = labels(drawnXAxisLabels(instance, bottom))
        dom.dataset.yLabels = labels(drawnYAxisLabels(instance, bottom))
        dom.dataset.drawnWidth = String(instance.getWidth())
        for (const [key, value] of Object.entries(latest.current.drawn)) dom.dataset[key] = value
        // Zooming by dragging, from the first drawing on (the toolbox's zoom, switched on).
        if (dom.dataset.zoomReady === undefined) {
          dom.dataset.zoomReady = 'true'
          instance.dispatchAction({
            type: 'takeGlobalCursor',
            key: 'dataZoomSelect',
            dataZoomSelectActive: true
          })
        }
      },
      datazoom: (event: ZoomEvent) => {
        // A drag hands over values; the reset below hands over percentages, and is ignored.
        const zoom = event.batch?.[0]
        if (zoom?.startValue === undefined || zoom.endValue === undefined) return
        latest.current.onZoom(Math.round(zoom.startValue), Math.round(zoom.endValue))
      }
    }),
    []
  )

  // The axis' min and max say what is shown: the zoom's own window is put back to the whole
  // axis whenever they change, or it would narrow the next range too.
  useEffect(() => {
    chart.current?.getEchartsInstance()?.dispatchAction({ type: 'dataZoom', start: 0, end: 100 })
  }, [min, max])

  useEffect(() => {
    if (width !== undefined)
      chart.current?.getEchartsInstance()?.resize({ width: 'auto', height: 'auto' })
  }, [width])

  return (
    <ReactEChartsCore
      ref={chart}
      echarts={echarts}
      option={option}
      notMerge={false}
      replaceMerge={['series', 'yAxis']}
      lazyUpdate
      autoResize={false}
      onEvents={events}
      style={{ height: props.height, width: '100%' }}
      role="img"
      aria-label={props.label}
      data-testid={props.testId}
    />
  )
}
