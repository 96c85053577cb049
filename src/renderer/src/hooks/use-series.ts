import { useEffect, useRef, useState } from 'react'

import type { SeriesBody, SeriesQuery } from '../../../shared/history-types'
import type { ConsoleBridge } from '../bridge/console-bridge'

/** A series as last answered, while the next is asked for, or why it could not be had. */
export type SeriesView =
  | { state: 'loading'; body?: SeriesBody }
  | { state: 'ready'; body: SeriesBody }
  | { state: 'error'; message: string }

/**
 * The series `query()` asks for, asked again whenever `key` changes — and only then: the query
 * is made at that moment, so a range that ends "now" ends when it is asked. While the next
 * answer is on its way the last one stays (a chart does not blank out every refresh); an answer
 * that comes after a newer question was asked is dropped. A refusal is shown, not thrown.
 */
export function useSeries(
  bridge: Pick<ConsoleBridge, 'series'>,
  key: string,
  query: () => SeriesQuery | null
): SeriesView {
  const [view, setView] = useState<SeriesView>({ state: 'loading' })
  const make = useRef(query)
  make.current = query
  useEffect(() => {
    const asked = make.current()
    if (asked === null) return
    let cancelled = false
    setView((v) => ({ state: 'loading', body: v.state === 'error' ? undefined : v.body }))
    bridge.series(asked).then(
      (body) => !cancelled && setView({ state: 'ready', body }),
      (error: Error) => !cancelled && setView({ state: 'error', message: error.message })
    )
    return () => {
      cancelled = true
    }
  }, [bridge, key])
  return view
}
