import { useVirtualizer } from '@tanstack/react-virtual'
import { startTransition, useEffect, useLayoutEffect, useState } from 'react'

/** One row of tiles in the page: tiles `from` to `to` (exclusive), `start` px from the grid's top. */
export interface GridRow {
  key: string | number | bigint
  start: number
  from: number
  to: number
}

/** Rows kept ready above and below those in sight: more than a wheel turn or a short jump scrolls. */
export const OVERSCAN_ROWS = 3

/**
 * The rows of a grid of equal tiles that are in sight, of however many tiles there are: as many
 * columns as fit tiles of `minWidth` with `gap` between them, rows of `height` + `gap`. Only
 * these rows are rendered (in one box `height` tall), so 10,000 tiles cost what 30 do. When
 * `view` changes (another filter) the grid goes back to its top.
 *
 * Scrolling never waits for tiles to be made: the rows in sight are rendered at once, and the
 * OVERSCAN_ROWS more on each side are added a row per render, each a transition (see
 * useReadyRows). A scroll of up to that many rows then finds its rows already in the page, and
 * the frame it lands in only moves them; the rows it uncovers next are made one per frame.
 * Made in the scroll's own frame, a dozen tiles with their sparklines cost it 20–40 ms of
 * script and layout: frames dropped at every step.
 */
export function useVirtualGrid(
  count: number,
  tile: { minWidth: number; height: number; gap: number },
  view = ''
): {
  scroller: (element: HTMLDivElement | null) => void
  columns: number
  rows: GridRow[]
  height: number
} {
  const [element, setElement] = useState<HTMLDivElement | null>(null)
  const [width, setWidth] = useState(0)
  useLayoutEffect(() => {
    if (element === null) return
    setWidth(element.clientWidth)
    if (typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(() => setWidth(element.clientWidth))
    observer.observe(element)
    return () => observer.disconnect()
  }, [element])
  const columns = Math.max(1, Math.floor((width + tile.gap) / (tile.minWidth + tile.gap)))
  const rowCount = Math.ceil(count / columns)
  const rowSize = tile.height + tile.gap
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => element,
    estimateSize: () => rowSize,
    overscan: 0,
    // The rows in sight are usually ready (see above): the scroll's render need not be forced
    // inside the scroll event.
    useFlushSync: false
  })
  useEffect(() => {
    if (element !== null) element.scrollTop = 0
    // Only a new view goes back to the top, not a new element.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view])
  const inSight = virtualizer.calculateRange()
  const first = inSight === null ? 0 : inSight.startIndex
  const last = inSight === null ? -1 : inSight.endIndex
  const [keptFirst, keptLast] = useReadyRows(
    first,
    last,
    Math.max(0, first - OVERSCAN_ROWS),
    Math.min(rowCount - 1, last + OVERSCAN_ROWS)
  )
  const rows: GridRow[] = []
  for (let index = Math.max(0, keptFirst); index <= Math.min(keptLast, rowCount - 1); index++)
    rows.push({
      key: index,
      start: index * rowSize,
      from: index * columns,
      to: Math.min(count, (index + 1) * columns)
    })
  return { scroller: setElement, columns, rows, height: rowCount * rowSize }
}

/**
 * The rows kept in the page: always those in sight (`first` to `last`), and grown toward `from` to
 * `to` one row per commit, each step a transition (React renders it between frames, and an
 * urgent render goes first), so no frame makes more than one row of tiles. Rows outside the
 * target go at once; when the rows in sight are far from those kept (a jump), the kept rows
 * start again from those in sight.
 */
function useReadyRows(first: number, last: number, from: number, to: number): [number, number] {
  const [ready, setReady] = useState<[number, number]>([from, to])
  const [readyFirst, readyLast] = ready
  // What is kept: within the target, and touching the rows in sight (or it starts from them).
  const touching = readyFirst <= last + 1 && readyLast >= first - 1
  const keptFirst = touching ? Math.max(from, Math.min(readyFirst, first)) : first
  const keptLast = touching ? Math.min(to, Math.max(readyLast, last)) : last
  useEffect(() => {
    if (keptFirst === from && keptLast === to) {
      if (readyFirst !== from || readyLast !== to) setReady([from, to])
      return
    }
    // The side with fewer rows ready grows first: the side the scroll is going to.
    const growDown = keptLast < to && (keptFirst === from || keptLast - last <= first - keptFirst)
    const next: [number, number] = growDown ? [keptFirst, keptLast + 1] : [keptFirst - 1, keptLast]
    startTransition(() => setReady(next))
  }, [keptFirst, keptLast, from, to, first, last, readyFirst, readyLast])
  return [keptFirst, keptLast]
}
