import { useDeferredValue, useMemo, useState } from 'react'

/**
 * A filter box over a long list: the rows any of whose texts contain what was typed, ignoring
 * case. Deferred, so typing stays responsive while thousands of rows are filtered.
 */
export function useTextFilter<T>(
  rows: readonly T[],
  textsOf: (row: T) => ReadonlyArray<string | null>
): { filter: string; setFilter: (text: string) => void; shown: readonly T[] } {
  const [filter, setFilter] = useState('')
  const deferred = useDeferredValue(filter.trim().toLowerCase())
  const shown = useMemo(
    () =>
      deferred === ''
        ? rows
        : rows.filter((row) =>
            textsOf(row).some((text) => text !== null && text.toLowerCase().includes(deferred))
          ),
    // textsOf is a fixed choice of fields per panel: the rows and the text decide.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [rows, deferred]
  )
  return { filter, setFilter, shown }
}
