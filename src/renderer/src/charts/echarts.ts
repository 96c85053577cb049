// Only the ECharts parts the console draws: line charts on a grid, with tooltip, legend and
// mark lines (alarm limits), on canvas; and the toolbox, for its data-zoom feature alone, which
// zooms a device's history by dragging across it (it brings the `select` data zoom with it).
// Importing `echarts` whole would add the map, 3D-less but still ~1 MB of others.
import { LineChart } from 'echarts/charts'
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  ToolboxComponent,
  TooltipComponent
} from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'

import type { AlarmSeverity } from '../../../shared/alarm-types'

echarts.use([
  LineChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
  ToolboxComponent,
  CanvasRenderer
])

export { echarts }

/** Chart colours that read on the current theme (the page's CSS holds the rest). */
export function chartTheme(scheme: 'light' | 'dark'): { text: string; line: string } {
  return scheme === 'dark'
    ? { text: '#c9d1d9', line: '#30363d' }
    : { text: '#3b4350', line: '#d8dee4' }
}

/**
 * The severities' colours for lines on a canvas, which cannot read the page's CSS variables:
 * the hues of styles.css' `--sev-*`, darker on a light background so a thin line still shows.
 */
export function severityColors(scheme: 'light' | 'dark'): Record<AlarmSeverity, string> {
  return scheme === 'dark'
    ? { critical: '#ff6b6b', high: '#ff9f43', medium: '#f2cc60', low: '#79c0ff' }
    : { critical: '#c81e1e', high: '#c2410c', medium: '#a16207', low: '#2563eb' }
}

/**
 * The colours of a history chart's fields, one each (at most four), and of its axes: apart from
 * the severities' hues, which the alarm limits drawn beside them use.
 */
export function seriesColors(scheme: 'light' | 'dark'): readonly string[] {
  return scheme === 'dark'
    ? ['#2dd4bf', '#c084fc', '#f472b6', '#a3e635']
    : ['#0f766e', '#7c3aed', '#be185d', '#4d7c0f']
}
