import { useTranslation } from 'react-i18next'

import type { PushClientState } from '../../../shared/live-events'
import { formatAgo, formatTime } from '../format'
import { useConsole } from '../hooks/use-console'
import { useNow } from '../hooks/use-now'
import { useTextFilter } from '../hooks/use-text-filter'
import { useVirtualRows } from '../hooks/use-virtual-rows'
import { IdText } from './id-text'
import { Panel } from './panel'
import { SpacerRow } from './spacer-row'
import { SendMessageForm } from './send-message-form'

/**
 * The registered push clients; the send form for the operator only. Virtualized as the devices
 * table is: thousands of registered clients cost a screenful of rows, and the ages that tick
 * every second are computed for those rows only.
 */
export function PushPanel(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const clients = useConsole((v) => v.clients)
  const hello = useConsole((v) => v.hello)
  const now = useNow()
  const lng = i18n.resolvedLanguage ?? 'en'
  const operator = hello?.role === 'operator'
  const { filter, setFilter, shown } = useTextFilter(clients, (c) => [c.uid, c.name])
  const { scroller, items, before, after } = useVirtualRows(shown, (row) => row.uid, filter)

  return (
    <Panel
      title={t('push.title')}
      className="push"
      testId="push-panel"
      tools={
        clients.length > 0 && (
          <input
            type="search"
            placeholder={t('push.filter')}
            aria-label={t('push.filter')}
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
        )
      }
    >
      {clients.length === 0 ? (
        <p className="empty">{t('push.empty')}</p>
      ) : shown.length === 0 ? (
        <p className="empty">{t('push.noMatch', { filter })}</p>
      ) : (
        <div className="scroll" ref={scroller} data-testid="clients-scroll">
          <table className="table virtual-table clients-table" data-count={shown.length}>
            <colgroup>
              <col className="col-dot" />
              <col className="col-id" />
              <col className="col-token" />
              <col className="col-age" />
              <col className="col-receipt" />
            </colgroup>
            <thead>
              <tr>
                <th aria-label={t('devices.online')} />
                <th>{t('push.uid')}</th>
                <th>{t('push.token')}</th>
                <th>{t('push.since')}</th>
                <th>{t('push.lastReceipt')}</th>
              </tr>
            </thead>
            <tbody>
              {before > 0 && <SpacerRow height={before} columns={5} />}
              {items.map((item) => {
                const c = shown[item.index]
                if (c === undefined) return null
                return <ClientRow key={item.key} client={c} now={now} lng={lng} />
              })}
              {after > 0 && <SpacerRow height={after} columns={5} />}
            </tbody>
          </table>
        </div>
      )}
      {operator ? (
        <SendMessageForm clients={clients} />
      ) : (
        hello && <p className="muted">{t('push.readOnly')}</p>
      )}
    </Panel>
  )
}

/** The height of the rows out of sight, above or below those in the page. */
function ClientRow(props: {
  client: PushClientState
  now: number
  lng: string
}): React.JSX.Element {
  const { t } = useTranslation()
  const c = props.client
  return (
    <tr
      data-testid="client-row"
      data-uid={c.uid}
      data-online={c.online}
      className={c.online ? '' : 'stale'}
    >
      <td>
        <span
          className={`dot ${c.online ? 'dot-online' : 'dot-offline'}`}
          role="img"
          aria-label={c.online ? t('devices.online') : t('devices.offline')}
        />
      </td>
      <td>
        <IdText className="mono" text={c.uid} />
        {c.name && (
          <span className="muted">
            {' · '}
            <IdText text={c.name} />
          </span>
        )}
      </td>
      <td className="mono muted">{c.tokenHint}…</td>
      <td>
        {c.connectedSince === null
          ? t('push.none')
          : formatAgo(props.now - c.connectedSince, props.lng)}
      </td>
      <td>
        {c.lastReceipt === null
          ? t('push.none')
          : `${c.lastReceipt.status} · ${formatTime(c.lastReceipt.time, props.lng)}`}
      </td>
    </tr>
  )
}
