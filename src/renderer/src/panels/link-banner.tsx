import { useTranslation } from 'react-i18next'

import { formatAgo, formatTime } from '../format'
import { useConsole } from '../hooks/use-console'
import { useNow } from '../hooks/use-now'
import { secondsUntil } from './status-screens'

const MISSED_SHOWN_MS = 8000

/**
 * Says plainly when the screen is not current: the link is down (and since when the data is),
 * or the view missed reports and was refreshed.
 */
export function LinkBanner(): React.JSX.Element | null {
  const { t, i18n } = useTranslation()
  const link = useConsole((v) => v.link)
  const lastEventAt = useConsole((v) => v.lastEventAt)
  const missed = useConsole((v) => v.missed)
  const now = useNow()
  const lng = i18n.resolvedLanguage ?? 'en'
  if (link.state === 'reconnecting')
    return (
      <div className="banner banner-warn" role="alert" data-testid="stale-banner">
        {t('link.stale', {
          age: formatAgo(now - link.since, lng),
          time: lastEventAt === null ? '—' : formatTime(lastEventAt, lng)
        })}
        {link.message && <span className="muted"> ({link.message})</span>}
      </div>
    )
  if (link.state === 'throttled')
    return (
      <div className="banner banner-warn" role="alert" data-testid="throttled-banner">
        {t('link.throttled', { seconds: secondsUntil(link.retryAt, now) })}
      </div>
    )
  if (missed !== null && now - missed.at < MISSED_SHOWN_MS)
    return (
      <div className="banner banner-info" role="status" data-testid="missed-banner">
        {t(`link.missed_${missed.reason}`, { count: missed.reports })}
      </div>
    )
  return null
}
