import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'

import { ALARM_SEVERITIES, type AlarmSeverity } from '../../../shared/alarm-types'
import type { DeviceState } from '../../../shared/api-types'
import { formatEndpoints, formatNumber } from '../format'
import { useConsole } from '../hooks/use-console'
import { useNow } from '../hooks/use-now'
import { useTextFilter } from '../hooks/use-text-filter'
import { useVirtualRows } from '../hooks/use-virtual-rows'
import { severityRank, worstSeverityByDevice } from '../state/alarm-selectors'
import { DeviceAge, deviceAgeText } from './device-age'
import { IdText } from './id-text'
import { Panel } from './panel'
import { SpacerRow } from './spacer-row'

/**
 * Every device, its online dot and the age of its last report; a click opens it. Virtualized:
 * only the rows in sight exist in the page, so 10,000 devices cost what 30 do, and the ages that
 * tick every second are computed for those rows only. The store keeps the list in id order;
 * "alarming first" puts the devices with an active alarm on top, the worst first. Each row is
 * marked with its worst active alarm's severity.
 */
export function DevicesPanel(props: { onOpen: (device: string) => void }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const devices = useConsole((v) => v.devices)
  const hello = useConsole((v) => v.hello)
  const alarms = useConsole((v) => v.alarms)
  const now = useNow()
  const lng = i18n.resolvedLanguage ?? 'en'
  const [alarmingFirst, setAlarmingFirst] = useState(false)
  const severities = useMemo(() => worstSeverityByDevice(alarms), [alarms])
  const { filter, setFilter, shown: matching } = useTextFilter(devices, (d) => [d.id, d.identity])
  const shown = useMemo(
    () => (alarmingFirst ? alarmingOnTop(matching, severities) : matching),
    [alarmingFirst, matching, severities]
  )
  const { scroller, items, before, after } = useVirtualRows(
    shown,
    (row) => row.id,
    `${filter}\n${alarmingFirst}`
  )

  return (
    <Panel
      title={t('devices.title')}
      className="devices"
      testId="devices-panel"
      tools={
        <>
          <label className="toggle">
            <input
              type="checkbox"
              checked={alarmingFirst}
              onChange={(e) => setAlarmingFirst(e.target.checked)}
              data-testid="alarming-first"
            />
            {t('devices.alarmingFirst')}
          </label>
          <input
            type="search"
            placeholder={t('devices.filter')}
            aria-label={t('devices.filter')}
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
        </>
      }
    >
      {devices.length === 0 ? (
        <p className="empty">
          {t('devices.empty', {
            address: hello ? formatEndpoints(hello.ingest) : '…'
          })}
        </p>
      ) : shown.length === 0 ? (
        <p className="empty">{t('devices.noMatch', { filter })}</p>
      ) : (
        <div className="scroll" ref={scroller} data-testid="devices-scroll">
          <table className="table virtual-table devices-table" data-count={shown.length}>
            <colgroup>
              <col className="col-dot" />
              <col className="col-id" />
              <col className="col-identity" />
              <col className="col-age" />
              <col className="col-num" />
            </colgroup>
            <thead>
              <tr>
                <th aria-label={t('devices.online')} />
                <th>{t('devices.id')}</th>
                <th>{t('devices.identity')}</th>
                <th>{t('devices.lastSeen')}</th>
                <th className="num">{t('devices.perMinute')}</th>
              </tr>
            </thead>
            <tbody>
              {before > 0 && <SpacerRow height={before} columns={5} />}
              {items.map((item) => {
                const d = shown[item.index]
                if (d === undefined) return null
                return (
                  <DeviceRow
                    key={item.key}
                    device={d}
                    alarm={severities.get(d.id)}
                    now={now}
                    lng={lng}
                    onOpen={props.onOpen}
                  />
                )
              })}
              {after > 0 && <SpacerRow height={after} columns={5} />}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  )
}

/** The devices in alarm first, the worst first; each group keeps the order it had. */
function alarmingOnTop(
  devices: readonly DeviceState[],
  severities: ReadonlyMap<string, AlarmSeverity>
): DeviceState[] {
  const rank = (d: DeviceState): number => {
    const severity = severities.get(d.id)
    return severity === undefined ? ALARM_SEVERITIES.length : severityRank(severity)
  }
  return [...devices].sort((a, b) => rank(a) - rank(b))
}

/** The height of the rows out of sight, above or below those in the page. */
function DeviceRow(props: {
  device: DeviceState
  /** The worst severity of its active alarms, if it has any. */
  alarm: AlarmSeverity | undefined
  now: number
  lng: string
  onOpen: (device: string) => void
}): React.JSX.Element {
  const { t } = useTranslation()
  const d = props.device
  const age = deviceAgeText(d, props.now, props.lng)
  return (
    <tr
      className={`${d.online ? 'online' : 'stale'}${props.alarm ? ` alarm-${props.alarm}` : ''}`}
      data-testid="device-row"
      data-device={d.id}
      data-online={d.online}
      data-alarm={props.alarm}
      tabIndex={0}
      onClick={() => props.onOpen(d.id)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') props.onOpen(d.id)
      }}
      title={d.online ? undefined : t('devices.stale', { age })}
    >
      <td>
        <span
          className={`dot ${d.online ? 'dot-online' : 'dot-offline'}`}
          role="img"
          aria-label={d.online ? t('devices.online') : t('devices.offline')}
        />
      </td>
      <td className="mono">
        <IdText text={d.id} />
        {props.alarm && (
          <span className="sr-only">
            {t('devices.alarm', { severity: t(`alarms.severity_${props.alarm}`) })}
          </span>
        )}
      </td>
      <td>
        <IdText text={d.identity} />
      </td>
      <td>
        <DeviceAge device={d} now={props.now} lng={props.lng} />
      </td>
      <td className="num">{formatNumber(d.reportsPerMinute, props.lng)}</td>
    </tr>
  )
}
