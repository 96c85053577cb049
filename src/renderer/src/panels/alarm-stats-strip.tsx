import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'

import type { AlarmStats } from '../../../shared/alarm-types'
import { formatDuration, formatNumber } from '../format'
import { useBridge, useConsole } from '../hooks/use-console'
import { IdText } from './id-text'

/** The "bad actors" of EEMUA 191: the ten rules raising most (what the console gives). */
const BAD_ACTORS_SHOWN = 10

/** How often the figures are asked again while the list is open. */
const REFRESH_MS = 10_000

/**
 * The alarm load as EEMUA 191 reads it: asked when the alarms list opens, again each time the
 * alarms change (at most every few seconds, not per change in a flood), and every 10 s.
 */
export function AlarmStatsStrip(): React.JSX.Element | null {
  const { t, i18n } = useTranslation()
  const lng = i18n.resolvedLanguage ?? 'en'
  const bridge = useBridge()
  const [stats, setStats] = useState<AlarmStats | null>(null)
  const [error, setError] = useState<string | null>(null)
  const revision = useConsole((v) => v.alarms)
  const [due, setDue] = useState(0)
  useEffect(() => {
    const timer = setInterval(() => setDue((n) => n + 1), REFRESH_MS)
    return () => clearInterval(timer)
  }, [])
  // A change of the alarms asks again, no sooner than REFRESH_MS / 4 after the last ask.
  const [askedAt, setAskedAt] = useState(0)
  useEffect(() => {
    const wait = Math.max(0, askedAt + REFRESH_MS / 4 - Date.now())
    const timer = setTimeout(() => setDue((n) => n + 1), wait)
    return () => clearTimeout(timer)
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only a change of the alarms asks
  }, [revision])
  useEffect(() => {
    let cancelled = false
    setAskedAt(Date.now())
    bridge.alarmStats().then(
      (s) => !cancelled && (setStats(s), setError(null)),
      (e: Error) => !cancelled && setError(e.message)
    )
    return () => {
      cancelled = true
    }
  }, [bridge, due])

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
