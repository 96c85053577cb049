import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'

import type { Alarm, AlarmEvent } from '../../../shared/alarm-types'
import { formatDateTime } from '../format'
import { useBridge } from '../hooks/use-console'
import { alarmValueText } from './alarm-value'
import { AlarmName } from './alarm-name'
import { ExportButton } from './export-button'
import { IdText } from './id-text'

type History =
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'ready'; events: AlarmEvent[] }

/** One alarm's audit trail, newest first: what happened, who did it and how, their comments. */
export function AlarmHistory({ alarm }: { alarm: Alarm }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const lng = i18n.resolvedLanguage ?? 'en'
  const bridge = useBridge()
  const [history, setHistory] = useState<History>({ state: 'loading' })
  // Asked again when the alarm changes: its new event is then in the trail.
  const { id, updatedAt } = alarm
  useEffect(() => {
    let cancelled = false
    bridge.alarmEvents({ alarm: id }).then(
      (events) => !cancelled && setHistory({ state: 'ready', events: [...events].reverse() }),
      (e: Error) => !cancelled && setHistory({ state: 'error', message: e.message })
    )
    return () => {
      cancelled = true
    }
  }, [bridge, id, updatedAt])

  return (
    <section className="alarm-history" data-testid="alarm-history">
      <h3 className="sub">
        {t('alarms.history')}: <AlarmName alarm={alarm} />
      </h3>
      <ExportButton
        testId="alarm-history-export"
        label={t('export.auditTrail')}
        choices={[{ label: t('export.auditTrail'), alarmEvents: { alarm: id } }]}
      />
      {history.state === 'loading' && <p className="muted">{t('alarms.historyLoading')}</p>}
      {history.state === 'error' && (
        <p className="error" role="alert">
          {t('alarms.historyError', { message: history.message })}
        </p>
      )}
      {history.state === 'ready' &&
        (history.events.length === 0 ? (
          <p className="muted">{t('alarms.historyEmpty')}</p>
        ) : (
          <ol className="alarm-events">
            {history.events.map((event, i) => (
              <li key={`${event.time}-${i}`} data-testid="alarm-event" data-type={event.type}>
                <span className="muted">{formatDateTime(event.time, lng)}</span>{' '}
                <strong>{t(`alarms.event_${event.type}`)}</strong>{' '}
                <span className="muted">
                  <IdText text={event.by} /> ({event.via})
                </span>
                {event.detail !== null && event.detail !== undefined && (
                  <span className="mono"> {alarmValueText(event.detail)}</span>
                )}
                {event.comment !== null && (
                  <>
                    {' — '}
                    <IdText text={event.comment} />
                  </>
                )}
              </li>
            ))}
          </ol>
        ))}
    </section>
  )
}
