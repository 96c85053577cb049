import { useVirtualizer, type VirtualItem } from '@tanstack/react-virtual'
import { useEffect, useRef } from 'react'

/** Height of one row of a virtualized table, in pixels (its CSS keeps rows at this height). */
export const VIRTUAL_ROW_HEIGHT = 27

/**
 * The rows of a table that are in sight, of however many there are: the table renders these
 * between two spacer rows of the heights given, so it keeps its columns and sticky header.
 * When `view` changes (another filter, another order) the table goes back to its top: the
 * place scrolled to in one view means nothing in the next.
 */
export function useVirtualRows<T>(
  rows: readonly T[],
  keyOf: (row: T) => string,
  view: string = ''
): {
  scroller: React.RefObject<HTMLDivElement | null>
  items: VirtualItem[]
  before: number
  after: number
} {
  const scroller = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => VIRTUAL_ROW_HEIGHT,
    overscan: 10,
    getItemKey: (index) => {
      const row = rows[index]
      return row === undefined ? index : keyOf(row)
    }
  })
  useEffect(() => {
    if (scroller.current !== null) scroller.current.scrollTop = 0
  }, [view])
  const items = virtualizer.getVirtualItems()
  const before = items[0]?.start ?? 0
  const after = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0)
  return { scroller, items, before, after }
}
