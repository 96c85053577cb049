import { useState } from 'react'
import { useTranslation } from 'react-i18next'

/** Asks a browser opened without a key (or with a wrong one) for the key. */
export function KeyForm(props: {
  error: string | null
  onKey: (key: string) => void
}): React.JSX.Element {
  const { t } = useTranslation()
  const [key, setKey] = useState('')
  return (
    <main className="screen">
      <form
        className="card"
        data-testid="key-form"
        onSubmit={(e) => {
          e.preventDefault()
          if (key.trim() !== '') props.onKey(key.trim())
        }}
      >
        <h1>{t('key.title')}</h1>
        <p>{t('key.prompt')}</p>
        <label className="block">
          {t('key.label')}
          <input
            type="password"
            autoComplete="off"
            autoFocus
            value={key}
            onChange={(e) => setKey(e.target.value)}
            data-testid="key-input"
          />
        </label>
        {props.error !== null && (
          <p className="error" role="alert" data-testid="key-error">
            {props.error}
          </p>
        )}
        <button type="submit" className="primary">
          {t('key.submit')}
        </button>
      </form>
    </main>
  )
}
