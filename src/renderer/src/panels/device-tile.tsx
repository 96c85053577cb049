import { memo, useMemo } from 'react'
import { useTranslation } from 'react-i18next'

import type { DeviceState } from '../../../shared/api-types'
import type { StoredReport } from '../../../shared/ingest-protocol'
import { Sparkline } from '../charts/sparkline'
import { formatReading } from '../format'
import type { DeviceAlarmState } from '../state/alarm-selectors'
import { readingAt } from '../state/report-fields'
import { SPARKLINE_WINDOW_MS, type SparklineHistory } from '../state/sparkline-history'
import { revealInvisible } from '../visible-text'
import { DeviceAge, deviceAgeText } from './device-age'
import { IdText } from './id-text'

/** A tile's height in px, gap not included: styles.css' `.device-tile` is this tall. */
export const TILE_HEIGHT = 178
/** The narrowest a tile is laid out: the grid has as many columns as fit. */
export const TILE_MIN_WIDTH = 280
const SPARK_WIDTH = 88
const SPARK_HEIGHT = 18
/** The sparklines' right edge moves in steps of this, so a tile's lines are not redrawn every second. */
const SPARK_STEP_MS = 5000

/**
 * One device at a glance: online or not, the age of its last report (amber once offline), its
 * latest values with their last 15 minutes, and its worst active alarm as the tile's colour —
 * the severity's border, filled while it is unacknowledged. A click opens the device.
 */
export const DeviceTile = memo(function DeviceTile(props: {
  device: DeviceState
  latest: StoredReport | undefined
  fields: readonly string[]
  alarm: DeviceAlarmState | undefined
  history: SparklineHistory
  /** The history's version for this device: a new one redraws the lines. */
  historyVersion: number
  now: number
  lng: string
  onOpen: (device: string) => void
}): React.JSX.Element {
  const { t } = useTranslation()
  const { device: d, alarm, latest } = props
  const until = Math.ceil(props.now / SPARK_STEP_MS) * SPARK_STEP_MS
  const alarmText =
    alarm &&
    t(alarm.unacked ? 'overview.alarmUnacked' : 'overview.alarmAcked', {
      severity: t(`alarms.severity_${alarm.severity}`)
    })
  return (
    <button
      type="button"
      className="device-tile"
      data-testid="device-tile"
      data-device={d.id}
      data-online={d.online}
      data-alarm={alarm?.severity}
      data-unacked={alarm?.unacked}
      title={
        d.online ? undefined : t('devices.stale', { age: deviceAgeText(d, props.now, props.lng) })
      }
      onClick={() => props.onOpen(d.id)}
    >
      <span className="tile-head">
        <span
          className={`dot ${d.online ? 'dot-online' : 'dot-offline'}`}
          role="img"
          aria-label={d.online ? t('devices.online') : t('devices.offline')}
        />
        <IdText className="mono tile-id" text={d.id} />
        {alarm !== undefined && (
          <span className={`tile-alarm severity-${alarm.severity}`} data-testid="tile-alarm">
            {alarmText}
          </span>
        )}
        <DeviceAge device={d} now={props.now} lng={props.lng} />
      </span>
      <span className="tile-values">
        {props.fields.length === 0 ? (
          <span className="muted tile-none">
            {latest === undefined ? t('overview.noReport') : t('overview.noNumeric')}
          </span>
        ) : (
          props.fields.map((field) => (
            <TileValue
              key={field}
              device={d.id}
              field={field}
              value={latest === undefined ? undefined : readingAt(latest, field)}
              history={props.history}
              historyVersion={props.historyVersion}
              until={until}
              lng={props.lng}
            />
          ))
        )}
      </span>
    </button>
  )
})

const TileValue = memo(function TileValue(props: {
  device: string
  field: string
  value: number | undefined
  history: SparklineHistory
  historyVersion: number
  until: number
  lng: string
}): React.JSX.Element {
  const { t } = useTranslation()
  const { history, device, field, historyVersion } = props
  const points = useMemo(
    () => history.points(device, field),
    // historyVersion: the history is mutated in place; its version says when it changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [history, device, field, historyVersion]
  )
  return (
    <span className="tile-value-row" data-field={field} data-testid="tile-value">
      <IdText className="tile-field" text={field} />
      <span className="num tile-reading" data-testid="tile-reading">
        {props.value === undefined ? '—' : formatReading(props.value, props.lng)}
      </span>
      <Sparkline
        points={points}
        from={props.until - SPARKLINE_WINDOW_MS}
        until={props.until}
        width={SPARK_WIDTH}
        height={SPARK_HEIGHT}
        label={t('overview.sparkline', { field: revealInvisible(field) })}
      />
    </span>
  )
})
