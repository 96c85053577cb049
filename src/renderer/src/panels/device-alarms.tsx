import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'

import { formatDateTime } from '../format'
import { useConsole } from '../hooks/use-console'
import { alarmValueText } from './alarm-value'
import { IdText } from './id-text'
import { SeverityBadge } from './severity-badge'

/** One device's alarms not normal, in the alarms list's order. */
export function DeviceAlarms({ device }: { device: string }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const lng = i18n.resolvedLanguage ?? 'en'
  const alarms = useConsole((v) => v.alarms)
  const mine = useMemo(() => alarms.filter((a) => a.device === device), [alarms, device])
  return (
    <>
      <h3 className="sub">{t('detail.alarms')}</h3>
      {mine.length === 0 ? (
        <p className="muted">{t('detail.noAlarms')}</p>
      ) : (
        <ul className="device-alarms" data-testid="device-alarms">
          {mine.map((a) => (
            <li key={a.id} data-testid="device-alarm" data-alarm={a.id} data-state={a.state}>
              <SeverityBadge severity={a.severity} /> <IdText text={a.name} />{' '}
              <span className="muted">
                {t(`alarms.state_${a.state}`)}
                {a.raisedAt !== null && ` · ${formatDateTime(a.raisedAt, lng)}`}
                {' · '}
                {alarmValueText(a.currentValue)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </>
  )
}
