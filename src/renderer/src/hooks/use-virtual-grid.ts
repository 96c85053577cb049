import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useLayoutEffect, useState } from 'react'

/** One row of tiles in sight: tiles `from` to `to` (exclusive), `start` px from the grid's top. */
export interface GridRow {
  key: string | number | bigint
  start: number
  from: number
  to: number
}

/**
 * The rows of a grid of equal tiles that are in sight, of however many tiles there are: as many
 * columns as fit tiles of `minWidth` with `gap` between them, rows of `height` + `gap`. Only
 * these rows are rendered (in one box `height` tall), so 10,000 tiles cost what 30 do. When
 * `view` changes (another filter) the grid goes back to its top.
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
  const virtualizer = useVirtualizer({
    count: Math.ceil(count / columns),
    getScrollElement: () => element,
    estimateSize: () => tile.height + tile.gap,
    overscan: 1
  })
  useEffect(() => {
    if (element !== null) element.scrollTop = 0
    // Only a new view goes back to the top, not a new element.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view])
  const rows = virtualizer.getVirtualItems().map((item) => ({
    key: item.key,
    start: item.start,
    from: item.index * columns,
    to: Math.min(count, (item.index + 1) * columns)
  }))
  return { scroller: setElement, columns, rows, height: virtualizer.getTotalSize() }
}
