import { useCallback, useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'

import type { AlarmRule } from '../../../shared/alarm-types'
import type { StoredReport } from '../../../shared/ingest-protocol'
import { severityColors } from '../charts/echarts'
import { HistoryChart, type HistoryField } from '../charts/history-chart'
import { historyGrid } from '../charts/history-chart-option'
import { ruleLimits } from '../charts/rule-limits'
import { formatAgo, formatDateTime, formatNumber } from '../format'
import { useColorScheme } from '../hooks/use-color-scheme'
import { useBridge, useConsole } from '../hooks/use-console'
import { useElementWidth } from '../hooks/use-element-width'
import { useNow } from '../hooks/use-now'
import { useSeries } from '../hooks/use-series'
import { revealInvisible, visibleJson } from '../visible-text'
import { ChartFields } from './chart-fields'
import { DeviceAlarms } from './device-alarms'
import { Dialog } from './dialog'
import { payloadOf } from './feed-panel'
import {
  DEFAULT_PRESET,
  MAX_CHART_FIELDS,
  MIN_ZOOM_MS,
  RANGE_PRESETS,
  formatBucketWidth,
  pointsFor,
  refreshMs,
  windowOf,
  type RangeChoice,
  type TimeWindow
} from './history-range'
import { HistoryRangePicker } from './history-range-picker'
import { ExportButton } from './export-button'
import { WithId } from './id-text'
import { MaintenanceForm } from './maintenance-form'

const CHART_HEIGHT = 280
/** How near the plot's edge a drag counts as reaching it, px. */
const SNAP_PX = 3
/** How often the latest report is asked for again while the device reports, at the most. */
const LATEST_MS = 5000

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

/**
 * One device: its numeric fields charted over a chosen range (the console's downsampled series,
 * each field on its own axis with its min/max band and the limits of the alarm rules watching
 * it, zoomed by dragging), its alarms, its maintenance, and its latest report.
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
  const state = devices.find((d) => d.id === props.device)
  const lastSeen = state?.lastSeen ?? 0

  // The newest report, from the feed when it is there (fresher), else asked for: it lists the
  // fields to chart, and is shown as JSON. Asked again as the device reports, every 5 s at most.
  const [asked, setAsked] = useState<StoredReport | undefined>(undefined)
  const latestKey = Math.floor(lastSeen / LATEST_MS)
  useEffect(() => {
    let cancelled = false
    bridge.queryReports({ device: props.device, limit: 1 }).then(
      ([report]) => !cancelled && setAsked(report),
      () => undefined
    )
    return () => {
      cancelled = true
    }
  }, [bridge, props.device, latestKey])
  const latest = useMemo(() => {
    for (let i = 0; i < Math.min(feed.size, 5000); i++) {
      const r = feed.at(i)
      if (r?.device === props.device) return r
    }
    return asked
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [feed, feedVersion, props.device, asked])

  // A report may carry thousands of fields: listed once per report, not once per second.
  const fields = useMemo(() => (latest ? numericFields(latest) : []), [latest])
  const [picked, setPicked] = useState<string[]>([])
  const chosen = useMemo(() => {
    const known = picked.filter((f) => fields.includes(f)).slice(0, MAX_CHART_FIELDS)
    return known.length > 0 ? known : fields.slice(0, 1)
  }, [picked, fields])
  const chosenKey = JSON.stringify(chosen)

  const [choice, setChoice] = useState<RangeChoice>({ preset: DEFAULT_PRESET })
  const [zoom, setZoom] = useState<TimeWindow | null>(null)
  const choose = useCallback((next: RangeChoice) => {
    setChoice(next)
    setZoom(null)
  }, [])
  const [area, width] = useElementWidth<HTMLDivElement>()
  const grid = historyGrid(chosen.length)
  const plotWidth = width === undefined ? undefined : width - grid.left - grid.right

  // A preset follows now: fetched again about once a bucket while the device reports (a quiet
  // device costs no query), its axis moving on at the same pace. A custom range or a zoom stays.
  const points = plotWidth === undefined ? undefined : pointsFor(plotWidth)
  const following = zoom === null && choice.preset !== undefined
  const presetMs = choice.preset === undefined ? 0 : RANGE_PRESETS[choice.preset]
  const refresh = refreshMs(presetMs, points ?? 1)
  const clock = useNow(refresh)
  const refreshKey = following ? Math.floor(lastSeen / refresh) : 0
  const series = useSeries(
    bridge,
    JSON.stringify([props.device, chosenKey, points, choice, zoom, refreshKey]),
    () =>
      points === undefined || chosen.length === 0
        ? null
        : {
            device: props.device,
            fields: chosen,
            ...rounded(zoom ?? windowOf(choice, Date.now())),
            points
          }
  )
  const body = series.state === 'error' ? undefined : series.body
  // What the chart shows: a preset up to now, or to its newest answer if that came after the
  // clock's last tick (its newest bucket would be off the axis until the next).
  const shown: TimeWindow =
    zoom ?? windowOf(choice, Math.max(clock, following ? (body?.until ?? 0) : 0))

  // A drag that reaches the plot's edge (within a few px: its values are rounded to what a pixel
  // tells apart) keeps that edge: dragged to the right end, the zoom still ends now.
  const onZoom = useCallback(
    (since: number, until: number) => {
      const near = ((shown.until - shown.since) / (plotWidth ?? 1)) * SNAP_PX
      const from = since - shown.since < near ? shown.since : since
      const to = shown.until - until < near ? shown.until : until
      if (to - from >= MIN_ZOOM_MS) setZoom({ since: from, until: to })
    },
    [shown.since, shown.until, plotWidth]
  )

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

  const chartFields = useMemo<HistoryField[]>(
    () =>
      (body?.series ?? []).map((s) => ({
        name: s.field,
        buckets: s.buckets,
        limits: ruleLimits(rules, s.field, severityColors(scheme))
      })),
    [body, rules, scheme]
  )
  const buckets = chartFields.reduce((n, f) => n + f.buckets.length, 0)
  const drawn = useMemo(
    (): Record<string, string> =>
      body === undefined
        ? {}
        : {
            series: String(body.series.length),
            bucketMs: String(body.bucketMs),
            since: String(body.since),
            until: String(body.until),
            buckets: String(buckets),
            axisMin: String(shown.since),
            axisMax: String(shown.until)
          },
    [body, buckets, shown.since, shown.until]
  )

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
      <ChartFields fields={fields} chosen={chosen} onChange={setPicked} />
      {/* The range's row: what is shown, and what can be done with it (an export, at its end). */}
      <div className="form-row" data-testid="detail-toolbar">
        <HistoryRangePicker choice={choice} shown={shown} onChange={choose} />
        {zoom !== null && (
          <>
            <span className="muted" data-testid="zoomed">
              {t('detail.zoomed', {
                from: formatDateTime(zoom.since, lng),
                to: formatDateTime(zoom.until, lng)
              })}
            </span>
            <button type="button" onClick={() => setZoom(null)} data-testid="zoom-reset">
              {t('detail.zoomReset')}
            </button>
          </>
        )}
        {body !== undefined && buckets > 0 && (
          <span className="muted" data-testid="series-points">
            {t('detail.pointsEach', {
              formatted: formatNumber(buckets, lng),
              width: formatBucketWidth(body.bucketMs, lng)
            })}
            {zoom === null && ` · ${t('detail.zoomHint')}`}
          </span>
        )}
        <ExportButton
          testId="detail-export"
          choices={[
            {
              label: t('export.shown'),
              query: {
                device: props.device,
                since: Math.floor(shown.since),
                until: Math.ceil(shown.until),
                ...(chosen.length > 0 && { fields: chosen })
              }
            },
            { label: t('export.deviceAll'), query: { device: props.device } }
          ]}
        />
      </div>
      <div ref={area} className="history-area">
        {fields.length === 0 && latest !== undefined ? (
          <p className="empty">{t('detail.noNumeric')}</p>
        ) : series.state === 'error' ? (
          <p className="error" role="alert">
            {t('detail.error', { message: series.message })}
          </p>
        ) : body === undefined ? (
          <p className="empty">{t('detail.loading')}</p>
        ) : buckets === 0 ? (
          <p className="empty" data-testid="series-empty">
            {t('detail.noData')}
          </p>
        ) : (
          <HistoryChart
            fields={chartFields}
            bucketMs={body.bucketMs}
            min={shown.since}
            max={shown.until}
            width={width}
            height={CHART_HEIGHT}
            onZoom={onZoom}
            drawn={drawn}
            label={[props.device, ...body.series.map((s) => s.field)]
              .map(revealInvisible)
              .join(' ')}
            testId="device-chart"
          />
        )}
      </div>
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

/** A range in whole milliseconds, as the series query takes it. */
function rounded(w: TimeWindow): TimeWindow {
  return { since: Math.floor(w.since), until: Math.ceil(w.until) }
}
