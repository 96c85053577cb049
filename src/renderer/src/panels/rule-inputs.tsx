import { useTranslation } from 'react-i18next'

import type { NotifyMode } from './alarm-rule-draft'

/** One input with its label, and the console's word about it right beside it. */
export function Field(props: {
  label: string
  name: string
  error: string | null
  children: React.ReactNode
}): React.JSX.Element {
  return (
    <span className="rule-field" data-field={props.name}>
      <label>
        {props.label} {props.children}
      </label>
      {props.error !== null && (
        <span className="error field-error" role="alert" data-testid={`rule-error-${props.name}`}>
          {props.error}
        </span>
      )}
    </span>
  )
}

/** Who is told: nobody, every push client, or the uids listed. */
export function NotifyChoice(props: {
  mode: NotifyMode
  uids: string
  modes: NotifyMode[]
  onChange: (mode: NotifyMode, uids: string) => void
  testId: string
}): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <>
      <select
        value={props.mode}
        onChange={(e) => props.onChange(e.target.value as NotifyMode, props.uids)}
        data-testid={props.testId}
      >
        {props.modes.map((m) => (
          <option key={m} value={m}>
            {t(`rules.notify_${m}`)}
          </option>
        ))}
      </select>
      {props.mode === 'uids' && (
        <input
          value={props.uids}
          placeholder={t('rules.uids')}
          aria-label={t('rules.uids')}
          onChange={(e) => props.onChange(props.mode, e.target.value)}
          data-testid={`${props.testId}-uids`}
        />
      )}
    </>
  )
}
