import { useState } from 'react'
import { useTranslation } from 'react-i18next'

import { ALARM_SEVERITIES, type AlarmRulePreview } from '../../../shared/alarm-types'
import { formatNumber } from '../format'
import { useBridge } from '../hooks/use-console'
import { revealInvisible } from '../visible-text'
import {
  CONDITION_KINDS,
  fieldErrorOf,
  ruleFromDraft,
  type ConditionKind,
  type DraftField,
  type RuleDraft
} from './alarm-rule-draft'
import { Field, NotifyChoice } from './rule-inputs'

const PREVIEW_LISTED = 10

/** The inputs that take text (or a number) as typed. */
type TextField =
  'name' | 'devices' | 'value' | 'field' | 'deadband' | 'onDelay' | 'offDelay' | 'escalateAfter'

type Errors = { field: DraftField; message: string } | { field: null; message: string } | null

/**
 * Makes or changes one rule. The console validates: its refusal `field: message` is shown next
 * to that field. Preview asks the console which devices the rule would be active on now.
 */
export function AlarmRuleForm(props: {
  initial: RuleDraft
  onSaved: () => void
  onCancel: () => void
}): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const lng = i18n.resolvedLanguage ?? 'en'
  const bridge = useBridge()
  const [draft, setDraft] = useState(props.initial)
  const [error, setError] = useState<Errors>(null)
  const [busy, setBusy] = useState(false)
  const [preview, setPreview] = useState<AlarmRulePreview | null>(null)
  const set = <K extends keyof RuleDraft>(key: K, value: RuleDraft[K]): void =>
    setDraft((d) => ({ ...d, [key]: value }))

  const refused = (e: unknown): void => {
    const message = (e as Error).message
    setError(fieldErrorOf(message) ?? { field: null, message })
  }
  const onSubmit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const rule = ruleFromDraft(draft)
      if (draft.id === null) await bridge.createAlarmRule(rule)
      else await bridge.updateAlarmRule(draft.id, { ...rule, id: draft.id })
      props.onSaved()
    } catch (e) {
      refused(e)
      setBusy(false)
    }
  }
  const onPreview = async (): Promise<void> => {
    setBusy(true)
    setError(null)
    setPreview(null)
    try {
      setPreview(await bridge.previewAlarmRule(ruleFromDraft(draft)))
    } catch (e) {
      refused(e)
    }
    setBusy(false)
  }
  const errorOf = (field: DraftField): string | null =>
    error !== null && error.field === field ? error.message : null
  const text = (field: TextField, type: 'text' | 'number' = 'text'): React.JSX.Element => (
    <Field label={t(`rules.${field}`)} error={errorOf(field)} name={field}>
      <input
        type={type}
        step="any"
        value={draft[field]}
        onChange={(e) => set(field, e.target.value)}
        data-testid={`rule-${field}`}
        aria-invalid={errorOf(field) !== null}
      />
    </Field>
  )

  return (
    <form className="rule-form" onSubmit={(e) => void onSubmit(e)} data-testid="rule-form">
      <h3 className="sub">{draft.id === null ? t('rules.new') : t('rules.edit')}</h3>
      <div className="form-row">
        {text('name')}
        {text('devices')}
      </div>
      <div className="form-row">
        <Field label={t('rules.condition')} error={null} name="kind">
          <select
            value={draft.kind}
            onChange={(e) => set('kind', e.target.value as ConditionKind)}
            data-testid="rule-kind"
          >
            {CONDITION_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`rules.kind_${k}`)}
              </option>
            ))}
          </select>
        </Field>
        {text('value', draft.kind === 'equals' || draft.kind === 'notEquals' ? 'text' : 'number')}
        {draft.kind !== 'stale' && text('field')}
      </div>
      <div className="form-row">
        {text('deadband', 'number')}
        {text('onDelay', 'number')}
        {text('offDelay', 'number')}
        <Field label={t('rules.severity')} error={errorOf('severity')} name="severity">
          <select
            value={draft.severity}
            onChange={(e) => set('severity', e.target.value as RuleDraft['severity'])}
            data-testid="rule-severity"
          >
            {ALARM_SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {t(`alarms.severity_${s}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div className="form-row">
        <Field label={t('rules.notify')} error={errorOf('notify')} name="notify">
          <NotifyChoice
            mode={draft.notify}
            uids={draft.notifyUids}
            modes={['none', 'all', 'uids']}
            onChange={(mode, uids) => setDraft((d) => ({ ...d, notify: mode, notifyUids: uids }))}
            testId="rule-notify"
          />
        </Field>
      </div>
      <div className="form-row">
        {text('escalateAfter', 'number')}
        {draft.escalateAfter.trim() !== '' && (
          <Field
            label={t('rules.escalateNotify')}
            error={errorOf('escalateNotify')}
            name="escalateNotify"
          >
            <NotifyChoice
              mode={draft.escalateNotify}
              uids={draft.escalateUids}
              modes={['all', 'uids']}
              onChange={(mode, uids) =>
                setDraft((d) => ({
                  ...d,
                  escalateNotify: mode === 'none' ? 'all' : mode,
                  escalateUids: uids
                }))
              }
              testId="rule-escalate-notify"
            />
          </Field>
        )}
      </div>
      <div className="form-row">
        <Field
          label={t('rules.commentRequired')}
          error={errorOf('commentRequired')}
          name="commentRequired"
        >
          <input
            type="checkbox"
            checked={draft.commentRequired}
            onChange={(e) => set('commentRequired', e.target.checked)}
            data-testid="rule-commentRequired"
          />
        </Field>
        <Field label={t('rules.enabled')} error={errorOf('enabled')} name="enabled">
          <input
            type="checkbox"
            checked={draft.enabled}
            onChange={(e) => set('enabled', e.target.checked)}
            data-testid="rule-enabled"
          />
        </Field>
      </div>
      <div className="form-row">
        <button type="submit" className="primary" disabled={busy} data-testid="rule-save">
          {draft.id === null ? t('rules.create') : t('rules.save')}
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() => void onPreview()}
          data-testid="rule-preview"
        >
          {busy ? t('rules.previewing') : t('rules.preview')}
        </button>
        <button type="button" onClick={props.onCancel}>
          {t('rules.cancel')}
        </button>
        {error !== null && error.field === null && (
          <span className="error" role="alert" data-testid="rule-error">
            {t('rules.failed', { message: error.message })}
          </span>
        )}
      </div>
      {preview !== null && (
        <p className="banner banner-info" data-testid="rule-preview-result">
          {preview.devices.length === 0
            ? t('rules.previewNone', { matched: formatNumber(preview.matched, lng) })
            : t('rules.previewSome', {
                count: formatNumber(preview.devices.length, lng),
                matched: formatNumber(preview.matched, lng),
                devices:
                  preview.devices.slice(0, PREVIEW_LISTED).map(revealInvisible).join(', ') +
                  (preview.devices.length > PREVIEW_LISTED
                    ? ` … ${t('rules.previewMore', {
                        formatted: formatNumber(preview.devices.length - PREVIEW_LISTED, lng)
                      })}`
                    : '')
              })}
        </p>
      )}
    </form>
  )
}
