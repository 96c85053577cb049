import { useState } from 'react'
import { useTranslation } from 'react-i18next'

import type { Alarm } from '../../../shared/alarm-types'
import { useBridge } from '../hooks/use-console'
import { usePendingAction, type PendingAction } from '../hooks/use-pending-action'

const DEFAULT_SHELVE_MINUTES = 60
const COMMENT_MAX = 500

/** The refusal the console gave, in the form that asked (a rule that needs a comment, …). */
export function ActionError({ error }: { error: string | null }): React.JSX.Element | null {
  const { t } = useTranslation()
  if (error === null) return null
  return (
    <span className="error" role="alert" data-testid="alarm-action-error">
      {t('alarms.failed', { message: error })}
    </span>
  )
}

/**
 * One short operator form: its inputs, the button that sends, a cancel, and the console's
 * refusal beside them. `send` says whether it went through; the form is then done.
 */
export function ActionForm(props: {
  testId: string
  submit: string
  action: PendingAction
  send: () => Promise<boolean>
  onDone: () => void
  disabled?: boolean
  children: React.ReactNode
}): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <form
      className="form-row alarm-form"
      onSubmit={(e) => {
        e.preventDefault()
        void props.send().then((done) => done && props.onDone())
      }}
      data-testid={props.testId}
    >
      {props.children}
      <button
        type="submit"
        className="primary"
        disabled={props.action.busy || props.disabled === true}
        data-testid={`${props.testId}-submit`}
      >
        {props.submit}
      </button>
      <button type="button" onClick={props.onDone}>
        {t('alarms.cancel')}
      </button>
      <ActionError error={props.action.error} />
    </form>
  )
}

/** A labelled text input of a form: a comment, with the console's length limit. */
export function TextInput(props: {
  label: string
  value: string
  onChange: (text: string) => void
  testId?: string
  autoFocus?: boolean
}): React.JSX.Element {
  return (
    <label>
      {props.label}{' '}
      <input
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        maxLength={COMMENT_MAX}
        autoFocus={props.autoFocus}
        data-testid={props.testId}
      />
    </label>
  )
}

/** A labelled count of whole minutes. */
export function MinutesInput(props: {
  label: string
  value: string
  onChange: (text: string) => void
  testId: string
}): React.JSX.Element {
  return (
    <label>
      {props.label}{' '}
      <input
        type="number"
        min={1}
        step={1}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        className="narrow"
        data-testid={props.testId}
      />
    </label>
  )
}

/** A comment as the console takes it: left out when empty. */
export function commentOf(text: string): { comment?: string } {
  const comment = text.trim()
  return comment === '' ? {} : { comment }
}

/**
 * Acknowledges an alarm with an optional comment. Whether the rule needs one is the console's
 * to say: an empty comment is sent, and its refusal shown.
 */
export function AckForm(props: { alarm: Alarm; onDone: () => void }): React.JSX.Element {
  const { t } = useTranslation()
  const bridge = useBridge()
  const action = usePendingAction()
  const [comment, setComment] = useState('')
  return (
    <ActionForm
      testId="ack-form"
      submit={t('alarms.ack')}
      action={action}
      send={() => action.run(() => bridge.ackAlarm(props.alarm.id, commentOf(comment)))}
      onDone={props.onDone}
    >
      <TextInput
        label={t('alarms.comment')}
        value={comment}
        onChange={setComment}
        autoFocus
        testId="ack-comment"
      />
    </ActionForm>
  )
}

/** Shelves an alarm for some minutes, with an optional comment. */
export function ShelveForm(props: { alarm: Alarm; onDone: () => void }): React.JSX.Element {
  const { t } = useTranslation()
  const bridge = useBridge()
  const action = usePendingAction()
  const [minutes, setMinutes] = useState(String(DEFAULT_SHELVE_MINUTES))
  const [comment, setComment] = useState('')
  return (
    <ActionForm
      testId="shelve-form"
      submit={t('alarms.shelve')}
      action={action}
      send={() =>
        action.run(() =>
          bridge.shelveAlarm(props.alarm.id, { minutes: Number(minutes), ...commentOf(comment) })
        )
      }
      onDone={props.onDone}
      disabled={minutes.trim() === ''}
    >
      <MinutesInput
        label={t('alarms.minutes')}
        value={minutes}
        onChange={setMinutes}
        testId="shelve-minutes"
      />
      <TextInput
        label={t('alarms.commentOptional')}
        value={comment}
        onChange={setComment}
        testId="shelve-comment"
      />
    </ActionForm>
  )
}
