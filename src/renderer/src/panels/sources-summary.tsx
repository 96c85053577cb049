import { useTranslation } from 'react-i18next'

import { formatNumber } from '../format'
import { useConsole } from '../hooks/use-console'

/**
 * The header's sources tile: connected of all, and a mark with the count when any is in error;
 * a click opens the Sources dialog. Not shown while the console has no source.
 */
export function SourcesSummary(props: { onOpen: () => void }): React.JSX.Element | null {
  const { t, i18n } = useTranslation()
  const lng = i18n.resolvedLanguage ?? 'en'
  const sources = useConsole((v) => v.sources)
  if (sources === null || sources.length === 0) return null
  const connected = sources.filter((s) => s.state === 'connected').length
  const errors = sources.filter((s) => s.state === 'error').length
  return (
    <li className={`tile sources-tile${errors > 0 ? ' in-error' : ''}`}>
      <button type="button" className="link" onClick={props.onOpen} data-testid="sources-summary">
        <span className="tile-value" data-testid="count-sources">
          {formatNumber(connected, lng)} / {formatNumber(sources.length, lng)}
        </span>
        <span className="tile-label">{t('sources.summary')}</span>
        {errors > 0 && (
          <span className="source-state-error" data-testid="sources-errors">
            {t('sources.summaryErrors', { count: errors })}
          </span>
        )}
      </button>
    </li>
  )
}
