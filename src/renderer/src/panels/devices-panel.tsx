import { useDeferredValue, useState } from 'react'
import { useTranslation } from 'react-i18next'

import type { DeviceState } from '../../../shared/api-types'
import { formatAgo, formatNumber } from '../format'
import { useConsole } from '../hooks/use-console'
import { useNow } from '../hooks/use-now'
import { Panel } from './panel'

/** Every device, its online dot and the age of its last report; a click opens it. */
export function DevicesPanel(props: { onOpen: (device: string) => void }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const devices = useConsole((v) => v.devices)
  const hello = useConsole((v) => v.hello)
  const now = useNow()
  const lng = i18n.resolvedLanguage ?? 'en'
  const [filter, setFilter] = useState('')
  const deferred = useDeferredValue(filter.trim().toLowerCase())
  const shown =
    deferred === ''
      ? devices
      : devices.filter(
          (d) =>
            d.id.toLowerCase().includes(deferred) || d.identity.toLowerCase().includes(deferred)
        )

  return (
    <Panel
      title={t('devices.title')}
      className="devices"
      testId="devices-panel"
      tools={
        <input
          type="search"
          placeholder={t('devices.filter')}
          aria-label={t('devices.filter')}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      }
    >
      {devices.length === 0 ? (
        <p className="empty">
          {t('devices.empty', {
            address: hello ? `${hello.ingest.host}:${hello.ingest.port}` : '…'
          })}
        </p>
      ) : shown.length === 0 ? (
        <p className="empty">{t('devices.noMatch', { filter })}</p>
      ) : (
        <div className="scroll">
          <table className="table">
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
              {shown.map((d) => (
                <DeviceRow key={d.id} device={d} now={now} lng={lng} onOpen={props.onOpen} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  )
}

function DeviceRow(props: {
  device: DeviceState
  now: number
  lng: string
  onOpen: (device: string) => void
}): React.JSX.Element {
  const { t } = useTranslation()
  const d = props.device
  const age = formatAgo(props.now - d.lastSeen, props.lng)
  return (
    <tr
      className={d.online ? 'online' : 'stale'}
      data-testid="device-row"
      data-device={d.id}
      data-online={d.online}
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
      <td className="mono">{d.id}</td>
      <td>{d.identity}</td>
      <td className="age">{age}</td>
      <td className="num">{formatNumber(d.reportsPerMinute, props.lng)}</td>
    </tr>
  )
}
