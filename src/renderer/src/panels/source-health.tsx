import { useTranslation } from 'react-i18next'

import type { SourceHealth, SourceState } from '../../../shared/source-types'
import { formatAgo, formatNumber } from '../format'

/** A mark per state beside its colour and word: the state reads without telling colours apart. */
const MARK: Record<SourceState, string> = { connected: '●', connecting: '◌', error: '✕' }

/** Where a source stands, as a colour, a mark and a word. */
export function SourceStateBadge(props: { state: SourceState }): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <span
      className={`source-state source-state-${props.state}`}
      data-state={props.state}
      data-testid="source-state"
    >
      <span aria-hidden="true">{MARK[props.state]}</span> {t(`sources.state_${props.state}`)}
    </span>
  )
}

/**
 * A source's health cells in a row of the sources list: state, last read (its age, ticking
 * with `now`, as a device's is), reads/s, last error in words.
 */
export function SourceHealthCells(props: {
  health: SourceHealth
  now: number
  lng: string
}): React.JSX.Element {
  const { t } = useTranslation()
  const { health, now, lng } = props
  return (
    <>
      <td>
        <SourceStateBadge state={health.state} />
      </td>
      <td>
        <span className="age" data-stale={health.state !== 'connected'} data-testid="source-age">
          {health.lastRead === null ? t('sources.never') : formatAgo(now - health.lastRead, lng)}
        </span>
      </td>
      <td className="num" data-testid="source-rate">
        {formatNumber(health.readsPerSec, lng, 2)}
      </td>
      <td className="source-error" data-testid="source-last-error">
        {health.lastError ?? '—'}
      </td>
    </>
  )
}
