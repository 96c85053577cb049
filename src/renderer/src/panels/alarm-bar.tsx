import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'

import { ALARM_SEVERITIES, type Alarm, type AlarmFlood } from '../../../shared/alarm-types'
import { formatNumber } from '../format'
import { useConsole } from '../hooks/use-console'
import { newestUnackedCritical, unackedCounts } from '../state/alarm-selectors'
import { revealInvisible } from '../visible-text'
import { AlarmName } from './alarm-name'
import { SeverityBadge } from './severity-badge'
import { SilenceToneButton } from './silence-tone-button'

/**
 * Under the header, in sight from every view: the unacknowledged alarms counted by severity,
 * the newest critical one named, and a flood when there is one. A click opens the alarms list.
 */
export function AlarmBar(props: { onOpen: () => void }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const lng = i18n.resolvedLanguage ?? 'en'
  const alarms = useConsole((v) => v.alarms)
  const flood = useConsole((v) => v.alarmFlood)
  const counts = useMemo(() => unackedCounts(alarms), [alarms])
  const critical = useMemo(() => newestUnackedCritical(alarms), [alarms])
  const total = ALARM_SEVERITIES.reduce((sum, s) => sum + counts[s], 0)

  return (
    <div className="alarm-bar-area">
      <div className={`alarm-bar${total > 0 ? ' alarming' : ''}`} data-testid="alarm-bar">
        <button
          type="button"
          className="alarm-summary"
          title={t('alarms.open')}
          onClick={props.onOpen}
          data-testid="open-alarms"
        >
          <span className="alarm-bar-title">{t('alarms.title')}</span>
          <span className="alarm-counts" role="group" aria-label={t('alarms.counts')}>
            {ALARM_SEVERITIES.map((severity) => (
              <SeverityBadge
                key={severity}
                severity={severity}
                testId={`alarm-count-${severity}`}
                zero={counts[severity] === 0}
              >
                {formatNumber(counts[severity], lng)}
              </SeverityBadge>
            ))}
          </span>
          {critical !== null ? (
            <span className="alarm-newest" data-testid="newest-critical">
              <AlarmName alarm={critical} />
            </span>
          ) : (
            total === 0 && <span className="muted">{t('alarms.none')}</span>
          )}
        </button>
        <SilenceToneButton />
      </div>
      {flood?.active === true && (
        <FloodBanner flood={flood} alarms={alarms} onOpen={props.onOpen} />
      )}
    </div>
  )
}

function FloodBanner(props: {
  flood: AlarmFlood
  alarms: readonly Alarm[]
  onOpen: () => void
}): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const lng = i18n.resolvedLanguage ?? 'en'
  const { flood } = props
  const first =
    flood.firstOut === null ? undefined : props.alarms.find((a) => a.id === flood.firstOut)
  const counted = {
    count: formatNumber(flood.raisedInWindow, lng),
    minutes: formatNumber(flood.windowMinutes, lng)
  }
  return (
    <button
      type="button"
      className="banner banner-flood"
      role="alert"
      onClick={props.onOpen}
      data-testid="flood-banner"
    >
      {flood.firstOut === null
        ? t('alarms.floodNoFirst', counted)
        : t('alarms.flood', {
            ...counted,
            first: revealInvisible(
              first === undefined ? flood.firstOut : `${first.name} — ${first.device}`
            )
          })}
    </button>
  )
}
