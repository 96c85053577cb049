import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'

import type { AlarmStats } from '../../../shared/alarm-types'
import { formatDuration, formatNumber } from '../format'
import { useBridge } from '../hooks/use-console'
import { IdText } from './id-text'

const BAD_ACTORS_SHOWN = 5

/** The alarm load as EEMUA 191 reads it, asked once each time the alarms list opens. */
export function AlarmStatsStrip(): React.JSX.Element | null {
  const { t, i18n } = useTranslation()
  const lng = i18n.resolvedLanguage ?? 'en'
  const bridge = useBridge()
  const [stats, setStats] = useState<AlarmStats | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let cancelled = false
    bridge.alarmStats().then(
      (s) => !cancelled && setStats(s),
      (e: Error) => !cancelled && setError(e.message)
    )
    return () => {
      cancelled = true
    }
  }, [bridge])

  if (error !== null) return <p className="muted">{t('alarms.statsError', { message: error })}</p>
  if (stats === null) return null
  const seconds = (s: number | null): string =>
    s === null ? t('alarms.statsNone') : formatDuration(s, lng)
  return (
    <ul className="alarm-stats" data-testid="alarm-stats">
      <li>
        {t('alarms.statsPer10', {
          now: formatNumber(stats.per10Minutes.now, lng),
          peak: formatNumber(stats.per10Minutes.peak, lng)
        })}
      </li>
      <li>{t('alarms.statsStanding', { count: formatNumber(stats.standing, lng) })}</li>
      <li>
        {t('alarms.statsTimeToAck', {
          p50: seconds(stats.timeToAckSeconds.p50),
          p90: seconds(stats.timeToAckSeconds.p90)
        })}
      </li>
      {stats.badActors.length > 0 && (
        <li>
          {t('alarms.statsBadActors')}{' '}
          {stats.badActors.slice(0, BAD_ACTORS_SHOWN).map((actor, i) => (
            <span key={actor.rule}>
              {i > 0 && ', '}
              <IdText text={actor.name} /> ({formatNumber(actor.raised, lng)})
            </span>
          ))}
        </li>
      )}
    </ul>
  )
}
