import { memo } from 'react'

/**
 * The line's points in an SVG box `width` × `height`: time from `from` (or the first point, when
 * the history is younger: a device that began reporting two minutes ago fills the width rather
 * than its last seventh) to `until` left to right, the values' own range bottom to top (a flat
 * line sits in the middle), a pixel kept clear at the edges so the stroke is not clipped.
 * A lone point stays at its place in the window. Rounded to a tenth of a pixel: the attribute
 * stays short.
 */
export function sparklinePoints(
  points: ReadonlyArray<readonly [number, number]>,
  from: number,
  until: number,
  width: number,
  height: number
): Array<[number, number]> {
  if (points.length === 0) return []
  let min = Infinity
  let max = -Infinity
  for (const [, v] of points) {
    if (v < min) min = v
    if (v > max) max = v
  }
  // One point alone is the newest reading: at its time in the window, not stretched over it.
  const start = points.length > 1 ? Math.max(from, Math.min(points[0]![0], until)) : from
  const span = until - start || 1
  const pad = 1.5
  const round = (n: number): number => Math.round(n * 10) / 10
  return points.map(([t, v]) => {
    const x = ((Math.min(Math.max(t, start), until) - start) / span) * (width - 2 * pad) + pad
    const y = max === min ? height / 2 : pad + ((max - v) / (max - min)) * (height - 2 * pad)
    return [round(x), round(y)]
  })
}

/**
 * A value's last minutes as a line, small enough for six on a tile: SVG, not ECharts — an
 * Overview of 40 tiles in sight draws 240 of them, and a chart instance each (its canvas, its
 * renderer's loop, its options merged on every update) cost what the whole tile grid does,
 * where a polyline is one element whose `points` change. The newest value is marked with a dot.
 * `data-points` says how many points it drew (what the end-to-end tests read).
 */
export const Sparkline = memo(function Sparkline(props: {
  points: ReadonlyArray<readonly [number, number]>
  from: number
  until: number
  width: number
  height: number
  label: string
}): React.JSX.Element {
  const drawn = sparklinePoints(props.points, props.from, props.until, props.width, props.height)
  const last = drawn.at(-1)
  return (
    <svg
      className="sparkline"
      width={props.width}
      height={props.height}
      viewBox={`0 0 ${props.width} ${props.height}`}
      role="img"
      aria-label={props.label}
      data-points={drawn.length}
      data-testid="sparkline"
    >
      {drawn.length > 1 && <polyline points={drawn.map(([x, y]) => `${x},${y}`).join(' ')} />}
      {last !== undefined && <circle cx={last[0]} cy={last[1]} r={1.8} />}
    </svg>
  )
})
