import { useState } from 'react'
import { useTranslation } from 'react-i18next'

import {
  RANGE_PRESETS,
  customRangeProblem,
  fromLocalInput,
  toLocalInput,
  type RangeChoice,
  type RangePreset,
  type TimeWindow
} from './history-range'

export interface HistoryRangePickerProps {
  choice: RangeChoice
  /** The range on screen now: a custom range starts from it. */
  shown: TimeWindow
  onChange: (choice: RangeChoice) => void
}

/**
 * A chart's range: a preset that ends now, or a custom from–to in local time, shown once it is
 * whole and its start before its end.
 */
export function HistoryRangePicker(props: HistoryRangePickerProps): React.JSX.Element {
  const { t } = useTranslation()
  const { choice, shown } = props
  // Custom chosen in the list, not yet shown: the fields open, the chart as it was.
  const [editing, setEditing] = useState(false)
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const custom = editing || choice.preset === undefined
  const since = fromLocalInput(from)
  const until = fromLocalInput(to)
  const problem = customRangeProblem(since, until)
  const applied = choice.preset === undefined && choice.since === since && choice.until === until

  return (
    <>
      <label>
        {t('detail.range')}{' '}
        <select
          value={custom ? 'custom' : choice.preset}
          data-testid="detail-range"
          onChange={(e) => {
            if (e.target.value === 'custom') {
              setEditing(true)
              setFrom(toLocalInput(shown.since))
              setTo(toLocalInput(shown.until))
            } else {
              setEditing(false)
              props.onChange({ preset: e.target.value as RangePreset })
            }
          }}
        >
          {(Object.keys(RANGE_PRESETS) as RangePreset[]).map((r) => (
            <option key={r} value={r}>
              {t(`detail.range_${r}`)}
            </option>
          ))}
          <option value="custom">{t('detail.range_custom')}</option>
        </select>
      </label>
      {custom && (
        <form
          className="range-form"
          data-testid="custom-range"
          onSubmit={(e) => {
            e.preventDefault()
            if (problem === undefined) props.onChange({ since: since!, until: until! })
          }}
        >
          <label>
            {t('detail.from')}{' '}
            <input
              type="datetime-local"
              value={from}
              required
              onChange={(e) => setFrom(e.target.value)}
              data-testid="range-from"
            />
          </label>
          <label>
            {t('detail.to')}{' '}
            <input
              type="datetime-local"
              value={to}
              required
              aria-invalid={problem === 'order' || undefined}
              onChange={(e) => setTo(e.target.value)}
              data-testid="range-to"
            />
          </label>
          <button type="submit" disabled={problem !== undefined || applied}>
            {t('detail.apply')}
          </button>
          {problem === 'order' && (
            <span className="error" role="alert">
              {t('detail.rangeOrder')}
            </span>
          )}
        </form>
      )}
    </>
  )
}
