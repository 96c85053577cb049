import { useState } from 'react'
import { useTranslation } from 'react-i18next'

import type { Alarm } from '../../../shared/alarm-types'
import { formatDateTime } from '../format'
import { useBridge } from '../hooks/use-console'
import { usePendingAction } from '../hooks/use-pending-action'
import { isUnacked } from '../state/alarm-selectors'
import { AckForm, ActionError, ShelveForm } from './alarm-action-forms'
import { alarmValueText } from './alarm-value'
import { IdText } from './id-text'
import { SeverityBadge } from './severity-badge'

export const ALARM_COLUMNS = 10

/**
 * One alarm of the list: what raised it, where it stands, who acknowledged it; the operator's
 * actions for its state. A click elsewhere on the row opens its history.
 */
export function AlarmRow(props: {
  alarm: Alarm
  operator: boolean
  selected: boolean
  onSelect: (id: string) => void
}): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const lng = i18n.resolvedLanguage ?? 'en'
  const bridge = useBridge()
  const direct = usePendingAction()
  const [form, setForm] = useState<'ack' | 'shelve' | null>(null)
  const a = props.alarm
  const unacked = isUnacked(a)
  const time = (at: number | null): string => (at === null ? '—' : formatDateTime(at, lng))

  return (
    <>
      <tr
        className={`alarm-row state-${a.state}${props.selected ? ' selected' : ''}`}
        data-testid="alarm-row"
        data-alarm={a.id}
        data-state={a.state}
        aria-selected={props.selected}
        tabIndex={0}
        onClick={() => props.onSelect(a.id)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && e.target === e.currentTarget) props.onSelect(a.id)
        }}
      >
        <td>
          <SeverityBadge severity={a.severity} />
        </td>
        <td>
          {t(`alarms.state_${a.state}`)}
          {a.firstOut && <span className="badge">{t('alarms.firstOut')}</span>}
          {a.silenced && unacked && <span className="muted"> · {t('alarms.silenced')}</span>}
        </td>
        <td>
          <IdText text={a.name} />
        </td>
        <td className="mono">
          <IdText text={a.device} />
        </td>
        <td className="mono">{alarmValueText(a.value)}</td>
        <td className="mono">{alarmValueText(a.currentValue)}</td>
        <td>{time(a.raisedAt)}</td>
        <td className="wrap">
          {a.ackedBy === null ? (
            '—'
          ) : (
            <>
              <IdText text={a.ackedBy} />, {time(a.ackedAt)}
            </>
          )}
          {a.comment !== null && (
            <div className="muted alarm-comment">
              <IdText text={a.comment} />
            </div>
          )}
        </td>
        <td>{a.state === 'shelved' ? time(a.shelvedUntil) : '—'}</td>
        <td className="alarm-actions" onClick={(e) => e.stopPropagation()}>
          {props.operator && (
            <>
              {unacked && (
                <button type="button" onClick={() => setForm('ack')} data-testid="alarm-ack">
                  {t('alarms.ack')}
                </button>
              )}
              {a.state !== 'shelved' && a.state !== 'out-of-service' && (
                <button type="button" onClick={() => setForm('shelve')} data-testid="alarm-shelve">
                  {t('alarms.shelve')}
                </button>
              )}
              {a.state === 'shelved' && (
                <button
                  type="button"
                  disabled={direct.busy}
                  onClick={() => void direct.run(() => bridge.unshelveAlarm(a.id))}
                  data-testid="alarm-unshelve"
                >
                  {t('alarms.unshelve')}
                </button>
              )}
              {unacked && !a.silenced && (
                <button
                  type="button"
                  disabled={direct.busy}
                  onClick={() => void direct.run(() => bridge.silenceAlarm(a.id))}
                  data-testid="alarm-silence"
                >
                  {t('alarms.silence')}
                </button>
              )}
            </>
          )}
        </td>
      </tr>
      {(form !== null || direct.error !== null) && (
        <tr className="alarm-form-row">
          <td colSpan={ALARM_COLUMNS}>
            {form === 'ack' && <AckForm alarm={a} onDone={() => setForm(null)} />}
            {form === 'shelve' && <ShelveForm alarm={a} onDone={() => setForm(null)} />}
            <ActionError error={direct.error} />
          </td>
        </tr>
      )}
    </>
  )
}
