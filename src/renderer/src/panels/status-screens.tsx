import { useTranslation } from 'react-i18next'

import { useNow } from '../hooks/use-now'

/** Before the first snapshot: never a blank window. */
export function LoadingScreen(): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <main className="screen" aria-busy="true">
      <div className="card">
        <div className="spinner" aria-hidden="true" />
        <p data-testid="loading">{t('loading')}</p>
      </div>
    </main>
  )
}

/** The desktop console could not start: what happened, and what to do about it. */
export function FailedScreen(props: { message: string; hint?: string }): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <main className="screen">
      <div className="card" role="alert" data-testid="failed">
        <h1>{t('failed.title')}</h1>
        <p className="error">{props.message}</p>
        {props.hint && <p>{props.hint}</p>}
        <p className="muted">{t('failed.retry')}</p>
      </div>
    </main>
  )
}

/** Before the first snapshot, the address was throttled: say so, and that it will retry. */
export function ThrottledScreen(props: { retryAt: number }): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <main className="screen" aria-busy="true">
      <div className="card" role="alert" data-testid="throttled">
        <p>{t('link.throttled', { seconds: secondsUntil(props.retryAt, useNow()) })}</p>
      </div>
    </main>
  )
}

/** Whole seconds left until `time`, never below 0. */
export function secondsUntil(time: number, now: number): number {
  return Math.max(0, Math.ceil((time - now) / 1000))
}
