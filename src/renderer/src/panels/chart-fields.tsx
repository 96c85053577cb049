import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'

import { seriesColors } from '../charts/echarts'
import { useColorScheme } from '../hooks/use-color-scheme'
import { revealInvisible } from '../visible-text'
import { MAX_CHART_FIELDS } from './history-range'
import { IdPicker } from './id-picker'
import { IdText } from './id-text'

export interface ChartFieldsProps {
  /** The fields there are to chart (a report may have thousands). */
  fields: readonly string[]
  /** Those on the chart, in order: the first on the left axis, the next on the right, … */
  chosen: readonly string[]
  onChange: (chosen: string[]) => void
}

/**
 * The fields of a device's chart, up to MAX_CHART_FIELDS: the first picked as before (picking
 * another there replaces it), the others added with a second picker and listed beside it, each
 * in its axis' colour with a button that takes it off.
 */
export function ChartFields(props: ChartFieldsProps): React.JSX.Element {
  const { t } = useTranslation()
  const colors = seriesColors(useColorScheme())
  const { fields, chosen, onChange } = props
  const [first, ...more] = chosen
  const full = chosen.length >= MAX_CHART_FIELDS
  const addable = useMemo(() => fields.filter((f) => !chosen.includes(f)), [fields, chosen])
  const pickers = {
    noMatch: t('detail.noField'),
    more: (formatted: string) => t('detail.moreFields', { formatted }),
    emptyMeansAll: false
  }

  return (
    <div className="form-row">
      {/* Not a <label> around the picker: a click on its list would focus the field again. */}
      <span>{t('detail.field')}</span>
      <span className="swatch" style={{ background: colors[0] }} />
      <IdPicker
        ids={fields}
        value={first ?? ''}
        onChange={(id) => onChange([id, ...more.filter((f) => f !== id)])}
        label={t('detail.field')}
        placeholder={t('detail.field')}
        disabled={fields.length === 0}
        testId="detail-field"
        {...pickers}
      />
      {more.map((field, i) => (
        <span key={field} className="chip" data-testid="chart-field" data-field={field}>
          <span className="swatch" style={{ background: colors[(i + 1) % colors.length] }} />
          <IdText text={field} className="mono" />
          <button
            type="button"
            className="link"
            aria-label={t('detail.removeField', { field: revealInvisible(field) })}
            onClick={() => onChange(chosen.filter((f) => f !== field))}
          >
            ✕
          </button>
        </span>
      ))}
      {full ? (
        <span className="muted">{t('detail.maxFields', { count: MAX_CHART_FIELDS })}</span>
      ) : (
        <IdPicker
          ids={addable}
          value=""
          onChange={(id) => id !== '' && onChange([...chosen, id])}
          label={t('detail.addField')}
          placeholder={t('detail.addField')}
          disabled={addable.length === 0 || first === undefined}
          testId="detail-add-field"
          {...pickers}
        />
      )}
    </div>
  )
}
