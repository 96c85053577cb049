import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'

import type { CreatedDeviceToken, DeviceTokenSettings } from '../../../shared/api-types'
import { formatDateTime } from '../format'
import { useBridge } from '../hooks/use-console'
import { Dialog } from './dialog'
import { IdText, WithId } from './id-text'

/**
 * The operator's device-token settings: whether every device needs a token, the tokens made
 * here (their hints only), a form to make one — shown in full once, to copy — and revoking.
 */
export function DeviceTokensDialog(props: { onClose: () => void }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const bridge = useBridge()
  const lng = i18n.resolvedLanguage ?? 'en'
  const [settings, setSettings] = useState<DeviceTokenSettings | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [identity, setIdentity] = useState('')
  const [patterns, setPatterns] = useState('')
  const [created, setCreated] = useState<CreatedDeviceToken | null>(null)
  const [copied, setCopied] = useState(false)

  const run = useCallback(
    async (work: () => Promise<DeviceTokenSettings | void>) => {
      setError(null)
      try {
        const next = await work()
        setSettings(next ?? (await bridge.deviceTokens()))
      } catch (e) {
        setError((e as Error).message)
      }
    },
    [bridge]
  )
  useEffect(() => void run(async () => undefined), [run])

  const onCreate = (e: React.FormEvent): void => {
    e.preventDefault()
    const devices = patterns
      .split(/[\s,]+/)
      .map((p) => p.trim())
      .filter((p) => p !== '')
    void run(async () => {
      setCreated(
        await bridge.createDeviceToken({
          identity: identity.trim(),
          devices: devices.length > 0 ? devices : undefined
        })
      )
      setCopied(false)
      setIdentity('')
      setPatterns('')
    })
  }

  return (
    <Dialog label={t('tokens.title')} testId="tokens-dialog" onClose={props.onClose}>
      {error !== null && (
        <p className="error" role="alert" data-testid="tokens-error">
          {error}
        </p>
      )}
      {settings === null ? (
        <p className="empty">{t('detail.loading')}</p>
      ) : (
        <>
          <label className="form-row">
            <input
              type="checkbox"
              checked={settings.required}
              disabled={settings.fromFile}
              onChange={(e) => void run(() => bridge.setDeviceTokensRequired(e.target.checked))}
              data-testid="tokens-required"
            />
            {t('tokens.required')}
          </label>
          <p className="muted">
            {settings.fromFile ? t('tokens.fromFile') : t('tokens.requiredHint')}
          </p>

          <form className="form-row" onSubmit={onCreate}>
            <label>
              {t('tokens.identity')}{' '}
              <input
                value={identity}
                onChange={(e) => setIdentity(e.target.value)}
                data-testid="token-identity"
                required
              />
            </label>
            <label>
              {t('tokens.devices')}{' '}
              <input
                value={patterns}
                placeholder="plc-hall2-*"
                onChange={(e) => setPatterns(e.target.value)}
                data-testid="token-devices"
              />
            </label>
            <button type="submit" className="primary" disabled={identity.trim() === ''}>
              {t('tokens.create')}
            </button>
          </form>

          {created !== null && (
            <div className="banner banner-info" data-testid="token-created">
              <p>
                <WithId
                  id={created.info.identity}
                  sentence={(identity) => t('tokens.createdOnce', { identity })}
                />
              </p>
              <p className="token-value">
                <code data-testid="token-value">{created.token}</code>
                <button
                  type="button"
                  onClick={() =>
                    void bridge.copyText(created.token).then(
                      () => setCopied(true),
                      (e: Error) => setError(e.message)
                    )
                  }
                >
                  {copied ? t('header.copied') : t('header.copy')}
                </button>
              </p>
            </div>
          )}

          {settings.tokens.length === 0 ? (
            <p className="empty">{t('tokens.none')}</p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>{t('tokens.identity')}</th>
                  <th>{t('tokens.devices')}</th>
                  <th>{t('push.token')}</th>
                  <th>{t('tokens.created')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {settings.tokens.map((token) => (
                  <tr key={token.id} data-testid="token-row" data-identity={token.identity}>
                    <td>
                      <IdText text={token.identity} />
                    </td>
                    <td className="mono">
                      {token.devices == null ? (
                        t('tokens.anyDevice')
                      ) : (
                        <IdText text={token.devices.join(', ')} />
                      )}
                    </td>
                    <td className="mono muted">{token.hint}</td>
                    <td>{formatDateTime(token.createdAt, lng)}</td>
                    <td>
                      <button
                        type="button"
                        onClick={() => void run(() => bridge.revokeDeviceToken(token.id))}
                      >
                        {t('tokens.revoke')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </Dialog>
  )
}
