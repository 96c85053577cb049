import type { EChartsType } from 'echarts/core'

/** A label as drawn, in px from the chart's left edge; `value` is its tick's (a time). */
export interface DrawnLabel {
  value: number
  left: number
  right: number
}

interface DrawnText {
  anid?: string
  ignore?: boolean
  parent?: DrawnText | null
  getBoundingRect(): { clone(): DrawnRect }
  getComputedTransform(): unknown
}
interface DrawnRect {
  x: number
  y: number
  width: number
  applyTransform(transform: unknown): void
}

/**
 * The x axis labels a chart has drawn, left to right, those it left out to avoid overlaps not
 * among them. A canvas has no DOM to inspect: this reads zrender's display list, where ECharts
 * names each axis label `label_<tick value>`; an x label is one whose top is at or below the
 * plot's bottom edge (a y label straddles its tick line): `bottom`, px from the chart's top,
 * where its y axis does not start at 0.
 */
export function drawnXAxisLabels(
  chart: EChartsType,
  bottom = chart.convertToPixel({ yAxisIndex: 0 }, 0) as number
): DrawnLabel[] {
  return drawnAxisLabels(chart).filter((l) => l.top >= bottom)
}

/** The y axis labels a chart has drawn (those above the plot's `bottom`), bottom to top. */
export function drawnYAxisLabels(chart: EChartsType, bottom: number): DrawnLabel[] {
  return drawnAxisLabels(chart)
    .filter((l) => l.top < bottom)
    .sort((a, b) => b.top - a.top)
}

function drawnAxisLabels(chart: EChartsType): Array<DrawnLabel & { top: number }> {
  const labels = new Map<DrawnText, DrawnLabel & { top: number }>()
  const displayed = chart.getZr().storage.getDisplayList() as unknown as DrawnText[]
  for (const element of displayed) {
    // A label's text is drawn by its children (one per run); the label is their parent.
    const label = [element, element.parent].find((e) => e?.anid?.startsWith('label_') === true)
    if (label === undefined || label === null || label.ignore === true || labels.has(label))
      continue
    const rect = label.getBoundingRect().clone()
    rect.applyTransform(label.getComputedTransform())
    labels.set(label, {
      value: Number(label.anid!.slice('label_'.length)),
      left: rect.x,
      right: rect.x + rect.width,
      top: rect.y
    })
  }
  return [...labels.values()].sort((a, b) => a.left - b.left)
}
