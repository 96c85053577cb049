import { useState } from 'react'
import { useTranslation } from 'react-i18next'

import {
  OPCUA_SECURITY_MODES,
  OPCUA_SECURITY_POLICIES,
  type SourceType
} from '../../../shared/source-types'
import { useBridge } from '../hooks/use-console'
import { Field } from './rule-inputs'
import { configFromDraft, isProblem, type SourceDraft } from './source-draft'
import { errorPlace, sourceFieldErrorOf } from './source-error-place'
import { NodesInput } from './source-nodes-input'
import { RegistersInput } from './source-registers-input'

/** Where an error is shown (an input's path, or null: the form's foot) and what it says. */
export type FormError = { place: string | null; message: string } | null

/** The inputs of the draft that take text as typed. */
type TextInput = 'id' | 'device' | 'host' | 'port' | 'unitId' | 'intervalMs' | 'endpoint' | 'user'

/**
 * Makes or changes one console source, Modbus or OPC UA. The form checks what it can tell by
 * itself (empty, not a number); the console checks the rest, and its refusal `path: message`
 * is shown by that input. Whatever is refused, the inputs stay as typed.
 */
export function SourceForm(props: {
  initial: SourceDraft
  onSaved: () => void
  onCancel: () => void
}): React.JSX.Element {
  const { t } = useTranslation()
  const bridge = useBridge()
  const [draft, setDraft] = useState(props.initial)
  const [error, setError] = useState<FormError>(null)
  const [busy, setBusy] = useState(false)
  const set = <K extends keyof SourceDraft>(name: K, value: SourceDraft[K]): void =>
    setDraft((d) => ({ ...d, [name]: value }))

  const onSubmit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault()
    const config = configFromDraft(draft)
    if (isProblem(config)) {
      setError({
        place: errorPlace(config.field, draft),
        message: t(`sources.invalid_${config.problem}`)
      })
      return
    }
    setBusy(true)
    setError(null)
    try {
      if (draft.editing === null) await bridge.createSource(config)
      else await bridge.updateSource(draft.editing, config)
      props.onSaved()
    } catch (e) {
      const message = (e as Error).message
      const at = sourceFieldErrorOf(message)
      setError(
        at === null
          ? { place: null, message }
          : { place: errorPlace(at.field, draft), message: at.message }
      )
      setBusy(false)
    }
  }
  const errorOf = (place: string): string | null =>
    error !== null && error.place === place ? error.message : null
  const input = (name: TextInput, type: 'text' | 'number' = 'text'): React.JSX.Element => (
    <Field label={t(`sources.${name}`)} error={errorOf(name)} name={name}>
      <input
        type={type}
        value={draft[name]}
        disabled={name === 'id' && draft.editing !== null}
        onChange={(e) => set(name, e.target.value)}
        data-testid={`source-${name}`}
        aria-invalid={errorOf(name) !== null}
      />
    </Field>
  )
  const security = <K extends 'securityMode' | 'securityPolicy'>(
    name: K,
    options: readonly SourceDraft[K][]
  ): React.JSX.Element => (
    <Field label={t(`sources.${name}`)} error={errorOf(name)} name={name}>
      <select
        value={draft[name]}
        onChange={(e) => set(name, e.target.value as SourceDraft[K])}
        data-testid={`source-${name}`}
      >
        {options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    </Field>
  )

  return (
    <form className="rule-form" onSubmit={(e) => void onSubmit(e)} data-testid="source-form">
      <h3 className="sub">{draft.editing === null ? t('sources.new') : t('sources.edit')}</h3>
      <div className="form-row">
        <Field label={t('sources.type')} error={errorOf('type')} name="type">
          <select
            value={draft.type}
            onChange={(e) => set('type', e.target.value as SourceType)}
            data-testid="source-type"
          >
            <option value="modbus">{t('sources.type_modbus')}</option>
            <option value="opcua">{t('sources.type_opcua')}</option>
          </select>
        </Field>
        {input('id')}
        {input('device')}
      </div>
      {draft.type === 'modbus' ? (
        <>
          <div className="form-row">
            {input('host')}
            {input('port', 'number')}
            {input('unitId', 'number')}
            {input('intervalMs', 'number')}
          </div>
          <RegistersInput
            rows={draft.registers}
            onChange={(rows) => set('registers', rows)}
            errorOf={errorOf}
          />
        </>
      ) : (
        <>
          <div className="form-row">{input('endpoint')}</div>
          <div className="form-row">
            {security('securityMode', OPCUA_SECURITY_MODES)}
            {security('securityPolicy', OPCUA_SECURITY_POLICIES)}
          </div>
          <div className="form-row">
            {input('user')}
            {draft.user.trim() !== '' && (
              <Field label={t('sources.password')} error={errorOf('password')} name="password">
                <input
                  type="password"
                  value={draft.password}
                  // The stored password is never sent here: `…` stands for it, and is kept.
                  placeholder={draft.passwordKept ? '…' : ''}
                  title={draft.passwordKept ? t('sources.passwordKept') : undefined}
                  autoComplete="new-password"
                  onChange={(e) => set('password', e.target.value)}
                  data-testid="source-password"
                  aria-invalid={errorOf('password') !== null}
                />
              </Field>
            )}
            {draft.user.trim() !== '' && draft.passwordKept && draft.password === '' && (
              <span className="muted" data-testid="source-password-kept">
                {t('sources.passwordKept')}
              </span>
            )}
          </div>
          <NodesInput
            rows={draft.nodes}
            onChange={(rows) => set('nodes', rows)}
            errorOf={errorOf}
          />
        </>
      )}
      <div className="form-row">
        <button type="submit" className="primary" disabled={busy} data-testid="source-save">
          {draft.editing === null ? t('sources.create') : t('sources.save')}
        </button>
        <button type="button" onClick={props.onCancel} data-testid="source-cancel">
          {t('sources.cancel')}
        </button>
        {error !== null && error.place === null && (
          <span className="error" role="alert" data-testid="source-error">
            {t('sources.failed', { message: error.message })}
          </span>
        )}
      </div>
    </form>
  )
}
