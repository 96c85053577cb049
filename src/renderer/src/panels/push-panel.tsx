import { useTranslation } from 'react-i18next'

import { formatAgo, formatTime } from '../format'
import { useConsole } from '../hooks/use-console'
import { useNow } from '../hooks/use-now'
import { Panel } from './panel'
import { SendMessageForm } from './send-message-form'

/** The registered push clients; the send form for the operator only. */
export function PushPanel(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const clients = useConsole((v) => v.clients)
  const hello = useConsole((v) => v.hello)
  const now = useNow()
  const lng = i18n.resolvedLanguage ?? 'en'
  const operator = hello?.role === 'operator'

  return (
    <Panel title={t('push.title')} className="push" testId="push-panel">
      {clients.length === 0 ? (
        <p className="empty">{t('push.empty')}</p>
      ) : (
        <div className="scroll">
          <table className="table">
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
              {clients.map((c) => (
                <tr
                  key={c.uid}
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
                    <span className="mono">{c.uid}</span>
                    {c.name && <span className="muted"> · {c.name}</span>}
                  </td>
                  <td className="mono muted">{c.tokenHint}…</td>
                  <td>
                    {c.connectedSince === null
                      ? t('push.none')
                      : formatAgo(now - c.connectedSince, lng)}
                  </td>
                  <td>
                    {c.lastReceipt === null
                      ? t('push.none')
                      : `${c.lastReceipt.status} · ${formatTime(c.lastReceipt.time, lng)}`}
                  </td>
                </tr>
              ))}
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
