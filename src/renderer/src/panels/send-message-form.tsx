import { useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'

import type { DeliveryState, MessageStatus } from '../../../shared/api-types'
import type { PushClientState } from '../../../shared/live-events'
import { formatNumber } from '../format'
import { useBridge } from '../hooks/use-console'
import { IdPicker } from './id-picker'
import { IdText } from './id-text'

/** How long the form follows a message's delivery before it stops asking. */
const FOLLOW_MS = 120_000
const FINAL_STATES = new Set(['delivered', 'expired', 'dropped'])
/** Recipients listed one by one; a broadcast to thousands is summed up by state above them. */
const LISTED = 50
const STATES: DeliveryState[] = ['queued', 'sent', 'delivered', 'expired', 'dropped']

type Sending =
  | { state: 'idle' }
  | { state: 'sending' }
  | { state: 'failed'; message: string }
  | { state: 'following'; status: MessageStatus }

/** Text that parses as JSON is sent as JSON (an object, a number…); anything else as a string. */
export function messageData(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

/** Sends a message to all clients or to one, then shows each recipient's delivery state. */
export function SendMessageForm(props: { clients: PushClientState[] }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const lng = i18n.resolvedLanguage ?? 'en'
  const bridge = useBridge()
  const { clients } = props
  const uids = useMemo(() => clients.map((c) => c.uid), [clients])
  const names = useMemo(
    () => new Map(clients.flatMap((c) => (c.name ? [[c.uid, c.name] as const] : []))),
    [clients]
  )
  const [to, setTo] = useState('')
  const [text, setText] = useState('')
  const [sending, setSending] = useState<Sending>({ state: 'idle' })

  const followedId = sending.state === 'following' ? sending.status.id : null
  useEffect(() => {
    if (followedId === null) return
    const started = Date.now()
    const timer = setInterval(() => {
      void bridge.messageStatus(followedId).then(
        (status) => {
          setSending({ state: 'following', status })
          const done = status.recipients.every((r) => FINAL_STATES.has(r.state))
          if (done || Date.now() - started > FOLLOW_MS) clearInterval(timer)
        },
        () => clearInterval(timer)
      )
    }, 1000)
    return () => clearInterval(timer)
  }, [bridge, followedId])

  const onSubmit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault()
    if (text.trim() === '') return
    setSending({ state: 'sending' })
    try {
      const accepted = await bridge.sendMessage({
        to: to === '' ? undefined : to,
        data: messageData(text)
      })
      setSending({ state: 'following', status: await bridge.messageStatus(accepted.id) })
    } catch (error) {
      setSending({ state: 'failed', message: (error as Error).message })
    }
  }

  return (
    <form className="send-form" onSubmit={(e) => void onSubmit(e)} data-testid="send-form">
      <h3 className="sub">{t('push.send')}</h3>
      <div className="form-row">
        {/* Not a <label> around the picker: a click on its list would focus the field again. */}
        <span>{t('push.to')}</span>
        <IdPicker
          ids={uids}
          names={names}
          value={to}
          onChange={setTo}
          label={t('push.to')}
          placeholder={t('push.toAll')}
          noMatch={t('push.noClient')}
          more={(formatted) => t('push.moreClients', { formatted })}
          testId="send-to"
        />
      </div>
      <label className="block">
        {t('push.message')}
        <textarea
          rows={2}
          value={text}
          onChange={(e) => setText(e.target.value)}
          data-testid="send-text"
        />
      </label>
      <div className="form-row">
        <button
          type="submit"
          className="primary"
          disabled={sending.state === 'sending' || text.trim() === ''}
        >
          {sending.state === 'sending' ? t('push.sending') : t('push.submit')}
        </button>
        {sending.state === 'failed' && (
          <span className="error" role="alert">
            {t('push.failed', { message: sending.message })}
          </span>
        )}
      </div>
      {sending.state === 'following' && (
        <div className="delivery" data-testid="delivery">
          <span className="muted mono">{t('push.sent', { id: sending.status.id })}</span>
          {sending.status.recipients.length > 1 && (
            <p className="muted" data-testid="delivery-summary">
              {t('push.recipients', {
                formatted: formatNumber(sending.status.recipients.length, lng)
              })}
              {STATES.map((state) => {
                const n = sending.status.recipients.filter((r) => r.state === state).length
                return n === 0 ? null : (
                  <span key={state}>
                    {' · '}
                    {formatNumber(n, lng)} {t(`push.state_${state}`)}
                  </span>
                )
              })}
            </p>
          )}
          <ul>
            {sending.status.recipients.slice(0, LISTED).map((r) => (
              <li key={r.uid} data-testid="delivery-state" data-uid={r.uid} data-state={r.state}>
                <IdText className="mono" text={r.uid} />: {t(`push.state_${r.state}`)}
                {r.receipt && ` · ${r.receipt.status}`}
              </li>
            ))}
            {sending.status.recipients.length > LISTED && (
              <li className="muted">
                {t('push.moreRecipients', {
                  formatted: formatNumber(sending.status.recipients.length - LISTED, lng)
                })}
              </li>
            )}
          </ul>
        </div>
      )}
    </form>
  )
}
