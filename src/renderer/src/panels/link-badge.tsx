import { useTranslation } from 'react-i18next'

import { formatAgo } from '../format'
import { useConsole } from '../hooks/use-console'
import { useNow } from '../hooks/use-now'

/** The health of this view's own link to the console, always in sight. */
export function LinkBadge(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const link = useConsole((v) => v.link)
  const hello = useConsole((v) => v.hello)
  const now = useNow()
  const lng = i18n.resolvedLanguage ?? 'en'
  let text: string
  switch (link.state) {
    case 'live':
      text = hello?.local ? t('link.local') : t('link.live')
      break
    case 'connecting':
      text = t('link.connecting')
      break
    case 'reconnecting':
      text = t('link.reconnecting', { age: formatAgo(now - link.since, lng) })
      break
    case 'refused':
      text = t('link.refused')
      break
    case 'throttled':
      text = t('link.throttled_short')
      break
    case 'failed':
      text = t('link.failed')
      break
  }
  return (
    <span
      className={`link-badge link-${link.state}`}
      role="status"
      data-testid="link-state"
      data-state={link.state}
    >
      <span className="dot" aria-hidden="true" />
      {text}
    </span>
  )
}
