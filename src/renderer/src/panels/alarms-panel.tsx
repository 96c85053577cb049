import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'

import { ALARM_SEVERITIES, type AlarmSeverity, type AlarmState } from '../../../shared/alarm-types'
import { formatNumber } from '../format'
import { useConsole } from '../hooks/use-console'
import { SHOWN_ALARM_STATES } from '../state/alarm-selectors'
import { compareNatural } from '../state/natural-order'
import { AlarmHistory } from './alarm-history'
import { ALARM_COLUMNS, AlarmRow } from './alarm-row'
import { AlarmStatsStrip } from './alarm-stats-strip'
import { Dialog } from './dialog'
import { IdPicker } from './id-picker'

/** Rows in the page at once: a flood of thousands stays a page, the filters narrow it. */
const ROWS_SHOWN = 500

/**
 * Every alarm not normal, those owed an acknowledgement first (the store keeps that order),
 * filtered by state, severity and device; the operator acts on each. A row opens its history.
 */
export function AlarmsPanel(props: {
  onClose: () => void
  onRules?: () => void
}): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const lng = i18n.resolvedLanguage ?? 'en'
  const alarms = useConsole((v) => v.alarms)
  const operator = useConsole((v) => v.hello?.role === 'operator')
  const [state, setState] = useState<AlarmState | ''>('')
  const [severity, setSeverity] = useState<AlarmSeverity | ''>('')
  const [device, setDevice] = useState('')
  const [selected, setSelected] = useState<string | null>(null)

  const devices = useMemo(
    () => [...new Set(alarms.map((a) => a.device))].sort(compareNatural),
    [alarms]
  )
  const shown = useMemo(
    () =>
      alarms.filter(
        (a) =>
          (state === '' || a.state === state) &&
          (severity === '' || a.severity === severity) &&
          (device === '' || a.device === device)
      ),
    [alarms, state, severity, device]
  )
  const chosen = selected === null ? undefined : alarms.find((a) => a.id === selected)

  return (
    <Dialog
      label={t('alarms.title')}
      testId="alarms-panel"
      className="wide"
      tools={
        operator &&
        props.onRules && (
          <button type="button" onClick={props.onRules} data-testid="open-rules">
            {t('alarms.rules')}
          </button>
        )
      }
      onClose={props.onClose}
    >
      <AlarmStatsStrip />
      <div className="form-row">
        <label>
          {t('alarms.filterState')}{' '}
          <select
            value={state}
            onChange={(e) => setState(e.target.value as AlarmState | '')}
            data-testid="filter-state"
          >
            <option value="">{t('alarms.any')}</option>
            {SHOWN_ALARM_STATES.map((s) => (
              <option key={s} value={s}>
                {t(`alarms.state_${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('alarms.filterSeverity')}{' '}
          <select
            value={severity}
            onChange={(e) => setSeverity(e.target.value as AlarmSeverity | '')}
            data-testid="filter-severity"
          >
            <option value="">{t('alarms.any')}</option>
            {ALARM_SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {t(`alarms.severity_${s}`)}
              </option>
            ))}
          </select>
        </label>
        {/* Not a <label> around the picker: a click on its list would focus the field again. */}
        <span>{t('alarms.filterDevice')}</span>
        <IdPicker
          ids={devices}
          value={device}
          onChange={setDevice}
          label={t('alarms.filterDevice')}
          placeholder={t('alarms.anyDevice')}
          noMatch={t('alarms.noDevice')}
          more={(formatted) => t('alarms.moreDevices', { formatted })}
          testId="filter-device"
        />
      </div>
      {!operator && <p className="muted">{t('alarms.readOnly')}</p>}
      {alarms.length === 0 ? (
        <p className="empty">{t('alarms.empty')}</p>
      ) : shown.length === 0 ? (
        <p className="empty">{t('alarms.noMatch')}</p>
      ) : (
        <div className="scroll alarm-list">
          <table className="table alarms-table" data-count={shown.length}>
            <thead>
              <tr>
                <th>{t('alarms.severity')}</th>
                <th>{t('alarms.state')}</th>
                <th>{t('alarms.rule')}</th>
                <th>{t('alarms.device')}</th>
                <th>{t('alarms.value')}</th>
                <th>{t('alarms.current')}</th>
                <th>{t('alarms.raisedAt')}</th>
                <th>{t('alarms.acked')}</th>
                <th>{t('alarms.shelvedUntil')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {shown.slice(0, ROWS_SHOWN).map((a) => (
                <AlarmRow
                  key={a.id}
                  alarm={a}
                  operator={operator}
                  selected={a.id === selected}
                  onSelect={(id) => setSelected(id === selected ? null : id)}
                />
              ))}
              {shown.length > ROWS_SHOWN && (
                <tr>
                  <td colSpan={ALARM_COLUMNS} className="muted">
                    {t('alarms.moreAlarms', {
                      formatted: formatNumber(shown.length - ROWS_SHOWN, lng)
                    })}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      {chosen !== undefined && <AlarmHistory alarm={chosen} />}
    </Dialog>
  )
}
