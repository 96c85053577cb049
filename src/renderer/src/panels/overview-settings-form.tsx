import { useState } from 'react'
import { useTranslation } from 'react-i18next'

import { compareNatural } from '../state/natural-order'
import {
  MAX_DEVICE_PATTERNS,
  withDevicePattern,
  type OverviewSettings
} from '../state/overview-settings'
import { MAX_PATTERN_GLOBS, MAX_PATTERN_LENGTH, patternProblem } from '../state/tile-fields'
import { IdPicker } from './id-picker'
import { revealInvisible } from '../visible-text'
import { IdText } from './id-text'

type Problem = 'tooLong' | 'tooMany' | 'tooManyDevices'

/**
 * Which fields the tiles show: a pattern for every tile (`temp*, pressure`), and patterns of
 * their own for some devices. Kept in this browser, as the language is.
 */
export function OverviewSettingsForm(props: {
  settings: OverviewSettings
  deviceIds: readonly string[]
  onChange: (settings: OverviewSettings) => void
}): React.JSX.Element {
  const { t } = useTranslation()
  const { settings, onChange } = props
  const [all, setAll] = useState(settings.pattern)
  const [allProblem, setAllProblem] = useState<Problem | null>(null)
  const [device, setDevice] = useState('')
  const [own, setOwn] = useState('')
  const [ownProblem, setOwnProblem] = useState<Problem | null>(null)
  const problemText = (problem: Problem): string =>
    t(`overview.${problem}`, {
      max:
        problem === 'tooLong'
          ? MAX_PATTERN_LENGTH
          : problem === 'tooMany'
            ? MAX_PATTERN_GLOBS
            : MAX_DEVICE_PATTERNS
    })

  const saveAll = (e: React.FormEvent): void => {
    e.preventDefault()
    const pattern = all.trim()
    const problem = patternProblem(pattern)
    setAllProblem(problem)
    if (problem === null) onChange({ ...settings, pattern })
  }
  const saveOwn = (pattern: string, id = device): void => {
    const next = withDevicePattern(settings, id, pattern)
    setOwnProblem(typeof next === 'string' ? next : null)
    if (typeof next !== 'string') onChange(next)
  }
  const owned = [...settings.devices].sort(([a], [b]) => compareNatural(a, b))

  return (
    <div className="overview-settings" data-testid="overview-settings">
      <form className="form-row" onSubmit={saveAll}>
        <label>
          {t('overview.allPattern')}
          <input
            value={all}
            maxLength={MAX_PATTERN_LENGTH}
            placeholder={t('overview.patternPlaceholder')}
            aria-invalid={allProblem !== null}
            onChange={(e) => setAll(e.target.value)}
            data-testid="pattern-all"
          />
        </label>
        <button type="submit" data-testid="pattern-all-save">
          {t('overview.save')}
        </button>
        {allProblem !== null && (
          <span className="error field-error" role="alert">
            {problemText(allProblem)}
          </span>
        )}
      </form>
      <p className="muted hint">{t('overview.patternHint')}</p>
      <div className="form-row">
        {/* Not a <label> around the picker: a click on its list would focus the field again. */}
        <span>{t('overview.device')}</span>
        <IdPicker
          ids={props.deviceIds}
          value={device}
          onChange={(id) => {
            setDevice(id)
            setOwn(settings.devices.get(id) ?? '')
            setOwnProblem(null)
          }}
          label={t('overview.device')}
          placeholder={t('overview.device')}
          noMatch={t('alarms.noDevice')}
          more={(formatted) => t('alarms.moreDevices', { formatted })}
          emptyMeansAll={false}
          testId="pattern-device"
        />
        <label>
          {t('overview.devicePattern')}
          <input
            value={own}
            maxLength={MAX_PATTERN_LENGTH}
            placeholder={t('overview.patternPlaceholder')}
            disabled={device === ''}
            aria-invalid={ownProblem !== null}
            onChange={(e) => setOwn(e.target.value)}
            data-testid="pattern-own"
          />
        </label>
        <button
          type="button"
          disabled={device === ''}
          onClick={() => saveOwn(own)}
          data-testid="pattern-own-save"
        >
          {t('overview.save')}
        </button>
        {ownProblem !== null && (
          <span className="error field-error" role="alert">
            {problemText(ownProblem)}
          </span>
        )}
      </div>
      {owned.length > 0 && (
        <ul className="own-patterns" aria-label={t('overview.own')}>
          {owned.map(([id, pattern]) => (
            <li key={id} data-testid="own-pattern" data-device={id}>
              <IdText className="mono" text={id} /> <code>{revealInvisible(pattern)}</code>{' '}
              <button type="button" className="link" onClick={() => saveOwn('', id)}>
                {t('overview.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <p className="muted hint">{t('overview.kept')}</p>
    </div>
  )
}
