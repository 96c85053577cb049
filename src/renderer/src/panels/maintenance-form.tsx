import { useState } from 'react'
import { useTranslation } from 'react-i18next'

import { formatDateTime } from '../format'
import { useBridge } from '../hooks/use-console'
import { usePendingAction } from '../hooks/use-pending-action'
import { ActionError, ActionForm, commentOf, MinutesInput, TextInput } from './alarm-action-forms'

const DEFAULT_MINUTES = 60

/**
 * Puts a device in maintenance for some minutes (its alarms out of service meanwhile), or ends
 * it. `until`: the end of the maintenance in force, as the device's alarms know it.
 */
export function MaintenanceForm(props: {
  device: string
  until: number | null
}): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const lng = i18n.resolvedLanguage ?? 'en'
  const bridge = useBridge()
  const action = usePendingAction()
  const [open, setOpen] = useState(false)
  const [minutes, setMinutes] = useState(String(DEFAULT_MINUTES))
  const [comment, setComment] = useState('')
  // What the console answered last: fresher than the alarms until they change.
  const [answered, setAnswered] = useState<{ until: number | null } | null>(null)
  const until = answered?.until ?? props.until
  const inForce = until !== null && until > Date.now()

  const send = (count: number): Promise<boolean> =>
    action.run(async () => {
      const result = await bridge.setDeviceMaintenance(props.device, {
        minutes: count,
        ...commentOf(comment)
      })
      setAnswered({ until: result.until })
    })

  return (
    <div className="form-row" data-testid="maintenance">
      {inForce && (
        <>
          <span className="muted" data-testid="maintenance-until">
            {t('detail.maintenanceUntil', { time: formatDateTime(until, lng) })}
          </span>
          <button type="button" disabled={action.busy} onClick={() => void send(0)}>
            {t('detail.maintenanceEnd')}
          </button>
        </>
      )}
      {open ? (
        <ActionForm
          testId="maintenance-form"
          submit={t('detail.maintenanceStart')}
          action={action}
          send={() => send(Number(minutes))}
          onDone={() => setOpen(false)}
          disabled={minutes.trim() === ''}
        >
          <MinutesInput
            label={t('detail.maintenanceMinutes')}
            value={minutes}
            onChange={setMinutes}
            testId="maintenance-minutes"
          />
          <TextInput label={t('detail.maintenanceComment')} value={comment} onChange={setComment} />
        </ActionForm>
      ) : (
        <>
          <button type="button" onClick={() => setOpen(true)} data-testid="maintenance-open">
            {t('detail.maintenance')}
          </button>
          <ActionError error={action.error} />
        </>
      )}
    </div>
  )
}
