import { useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'

import type { AlarmRule } from '../../../shared/alarm-types'
import type { StoredReport } from '../../../shared/ingest-protocol'
import { severityColors } from '../charts/echarts'
import { LineChart } from '../charts/line-chart'
import { ruleLimits } from '../charts/rule-limits'
import { formatAgo, formatDateTime } from '../format'
import { useColorScheme } from '../hooks/use-color-scheme'
import { useBridge, useConsole } from '../hooks/use-console'
import { useNow } from '../hooks/use-now'
import { revealInvisible, visibleJson } from '../visible-text'
import { DeviceAlarms } from './device-alarms'
import { Dialog } from './dialog'
import { payloadOf } from './feed-panel'
import { IdPicker } from './id-picker'
import { WithId } from './id-text'
import { MaintenanceForm } from './maintenance-form'

const RANGES = { '15m': 15 * 60_000, '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 86_400_000 }
type Range = keyof typeof RANGES
const HISTORY_LIMIT = 10_000

/** Numeric fields of a report's payload, nested ones as `a.b` (one level down). */
export function numericFields(report: StoredReport): string[] {
  const fields: string[] = []
  for (const [name, value] of Object.entries(payloadOf(report))) {
    if (name === 'seq' || name === 'ts') continue
    if (typeof value === 'number' && Number.isFinite(value)) fields.push(name)
    else if (typeof value === 'object' && value !== null && !Array.isArray(value))
      for (const [inner, v] of Object.entries(value as Record<string, unknown>))
        if (typeof v === 'number' && Number.isFinite(v)) fields.push(`${name}.${inner}`)
  }
  return fields
}

function valueAt(report: StoredReport, field: string): number | undefined {
  let value: unknown = report
  for (const part of field.split('.')) value = (value as Record<string, unknown> | null)?.[part]
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

type History =
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'ready'; reports: StoredReport[] }

/**
 * One device: any numeric field charted over a chosen range, with the limits of the alarm
 * rules watching it; its alarms, its maintenance, and its latest report.
 */
export function DeviceDetail(props: { device: string; onClose: () => void }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const bridge = useBridge()
  const devices = useConsole((v) => v.devices)
  const feed = useConsole((v) => v.feed)
  const feedVersion = useConsole((v) => v.feedVersion)
  const alarms = useConsole((v) => v.alarms)
  const operator = useConsole((v) => v.hello?.role === 'operator')
  const scheme = useColorScheme()
  const now = useNow()
  const lng = i18n.resolvedLanguage ?? 'en'
  const [range, setRange] = useState<Range>('15m')
  const [history, setHistory] = useState<History>({ state: 'loading' })
  const [field, setField] = useState<string | null>(null)
  const state = devices.find((d) => d.id === props.device)

  // Reload when the range changes, and when the device has reported since (at most every 5 s);
  // a quiet device costs no query.
  const reloadKey = Math.floor((state?.lastSeen ?? 0) / 5000)
  useEffect(() => {
    let cancelled = false
    bridge
      .queryReports({
        device: props.device,
        since: Date.now() - RANGES[range],
        limit: HISTORY_LIMIT
      })
      .then(
        (reports) => !cancelled && setHistory({ state: 'ready', reports }),
        (error: Error) => !cancelled && setHistory({ state: 'error', message: error.message })
      )
    return () => {
      cancelled = true
    }
  }, [bridge, props.device, range, reloadKey])

  // The device's rules (the console matches their patterns), asked once as the detail opens:
  // their limits are drawn on the chart. Without them (a console that refuses) the chart is
  // drawn all the same.
  const [rules, setRules] = useState<AlarmRule[]>([])
  useEffect(() => {
    let cancelled = false
    bridge.alarmRules({ device: props.device }).then(
      (all) => !cancelled && setRules(all),
      () => undefined
    )
    return () => {
      cancelled = true
    }
  }, [bridge, props.device])
  const maintenanceUntil = useMemo(
    () =>
      alarms
        .filter((a) => a.device === props.device && a.maintenanceUntil !== null)
        .reduce<number | null>((latest, a) => Math.max(latest ?? 0, a.maintenanceUntil!), null),
    [alarms, props.device]
  )

  // The newest report: from the feed when it is there (fresher), else from history.
  const latest = useMemo(() => {
    for (let i = 0; i < Math.min(feed.size, 5000); i++) {
      const r = feed.at(i)
      if (r?.device === props.device) return r
    }
    return history.state === 'ready' ? history.reports[0] : undefined
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [feed, feedVersion, props.device, history])

  // A report may carry thousands of fields: listed once per report, not once per second.
  const fields = useMemo(() => (latest ? numericFields(latest) : []), [latest])
  const chosen = field !== null && fields.includes(field) ? field : fields[0]
  const points = useMemo(
    () =>
      history.state === 'ready' && chosen !== undefined
        ? history.reports
            .map((r): [number, number] | null => {
              const v = valueAt(r, chosen)
              return v === undefined ? null : [r.time, v]
            })
            .filter((p): p is [number, number] => p !== null)
            .reverse()
        : [],
    [history, chosen]
  )
  const chartSeries = useMemo(
    () => (chosen === undefined ? [] : [{ name: chosen, data: points }]),
    [chosen, points]
  )
  const limits = useMemo(
    () => (chosen === undefined ? [] : ruleLimits(rules, chosen, severityColors(scheme))),
    [rules, chosen, scheme]
  )
  // A full page of history may not reach back over the whole range: say from when it shows.
  const truncatedFrom =
    history.state === 'ready' && history.reports.length >= HISTORY_LIMIT
      ? history.reports.at(-1)?.time
      : undefined

  return (
    <Dialog
      label={t('detail.title', { id: revealInvisible(props.device) })}
      testId="device-detail"
      title={
        <>
          {state && <span className={`dot ${state.online ? 'dot-online' : 'dot-offline'}`} />}{' '}
          <WithId id={props.device} sentence={(id) => t('detail.title', { id })} />
        </>
      }
      tools={state && <span className="muted">{formatAgo(now - state.lastSeen, lng)}</span>}
      onClose={props.onClose}
    >
      <div className="form-row">
        {/* Not a <label> around the picker: a click on its list would focus the field again. */}
        <span>{t('detail.field')}</span>
        <IdPicker
          ids={fields}
          value={chosen ?? ''}
          onChange={setField}
          label={t('detail.field')}
          placeholder={t('detail.field')}
          noMatch={t('detail.noField')}
          more={(formatted) => t('detail.moreFields', { formatted })}
          emptyMeansAll={false}
          disabled={fields.length === 0}
          testId="detail-field"
        />
        <label>
          {t('detail.range')}{' '}
          <select value={range} onChange={(e) => setRange(e.target.value as Range)}>
            {(Object.keys(RANGES) as Range[]).map((r) => (
              <option key={r} value={r}>
                {t(`detail.range_${r}`)}
              </option>
            ))}
          </select>
        </label>
        {history.state === 'ready' && (
          <span className="muted">{t('detail.points', { count: points.length })}</span>
        )}
        {truncatedFrom !== undefined && (
          <span className="muted" data-testid="history-truncated">
            {t('detail.truncated', { time: formatDateTime(truncatedFrom, lng) })}
          </span>
        )}
      </div>
      {history.state === 'loading' && <p className="empty">{t('detail.loading')}</p>}
      {history.state === 'error' && (
        <p className="error" role="alert">
          {t('detail.error', { message: history.message })}
        </p>
      )}
      {history.state === 'ready' &&
        (fields.length === 0 ? (
          <p className="empty">{t('detail.noNumeric')}</p>
        ) : points.length === 0 ? (
          <p className="empty">{t('detail.noData')}</p>
        ) : (
          <LineChart
            series={chartSeries}
            window={{ ms: RANGES[range], until: now }}
            limits={limits}
            height={260}
            label={`${revealInvisible(props.device)} ${revealInvisible(chosen ?? '')}`}
            testId="device-chart"
          />
        ))}
      <DeviceAlarms device={props.device} />
      {operator && <MaintenanceForm device={props.device} until={maintenanceUntil} />}
      <h3 className="sub">{t('detail.latest')}</h3>
      {latest ? (
        <>
          <p className="muted">{formatDateTime(latest.time, lng)}</p>
          <pre className="json" data-testid="latest-report">
            {visibleJson(latest, 2)}
          </pre>
        </>
      ) : (
        <p className="empty">{t('feed.empty')}</p>
      )}
    </Dialog>
  )
}
