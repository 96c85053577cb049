// Only the ECharts parts the console draws: line charts on a grid, with tooltip and legend,
// on canvas. Importing `echarts` whole would add the map, 3D-less but still ~1 MB of others.
import { LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer])

export { echarts }

/** Chart colours that read on the current theme (the page's CSS holds the rest). */
export function chartTheme(scheme: 'light' | 'dark'): { text: string; line: string } {
  return scheme === 'dark'
    ? { text: '#c9d1d9', line: '#30363d' }
    : { text: '#3b4350', line: '#d8dee4' }
}
