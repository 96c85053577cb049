import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'

import { useBridge, useConsole } from '../hooks/use-console'
import { soundsTone } from '../state/alarm-selectors'

/**
 * While the desktop window's tone sounds, one click silences it: every alarm it sounds for is
 * silenced (not acknowledged: each still waits for its ack). The operator's only.
 */
export function SilenceToneButton(): React.JSX.Element | null {
  const { t } = useTranslation()
  const bridge = useBridge()
  const alarms = useConsole((v) => v.alarms)
  const role = useConsole((v) => v.hello?.role)
  const sounding = useMemo(() => alarms.filter(soundsTone), [alarms])
  const [error, setError] = useState<string | null>(null)
  if (bridge.kind !== 'desktop' || role !== 'operator' || sounding.length === 0) return null

  const onSilence = async (): Promise<void> => {
    setError(null)
    const results = await Promise.allSettled(sounding.map((a) => bridge.silenceAlarm(a.id)))
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed !== undefined) setError((failed.reason as Error).message)
  }

  return (
    <>
      <button
        type="button"
        className="primary"
        onClick={() => void onSilence()}
        data-testid="silence-tone"
      >
        {t('alarms.silenceAll')}
      </button>
      {error !== null && (
        <span className="error" role="alert">
          {t('alarms.failed', { message: error })}
        </span>
      )}
    </>
  )
}
