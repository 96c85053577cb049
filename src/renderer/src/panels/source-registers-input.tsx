import { useTranslation } from 'react-i18next'

import { MODBUS_REGISTER_KINDS, MODBUS_VALUE_TYPES } from '../../../shared/source-types'
import { newRegister, registerInputs, type RegisterDraft } from './source-draft'
import { PointCell, PointsError, PointTextCell } from './source-point-cell'

/** A Modbus source's registers, one row each: what is read, and into which field. */
export function RegistersInput(props: {
  rows: RegisterDraft[]
  onChange: (rows: RegisterDraft[]) => void
  errorOf: (place: string) => string | null
}): React.JSX.Element {
  const { t } = useTranslation()
  const { rows, onChange, errorOf } = props
  const change = (index: number, patch: Partial<RegisterDraft>): void =>
    onChange(rows.map((r, i) => (i === index ? { ...r, ...patch } : r)))
  const text = (index: number, name: 'field' | 'address' | 'scale' | 'offset', label: string) => {
    const place = `registers.${index}.${name}`
    return (
      <PointTextCell
        place={place}
        error={errorOf(place)}
        label={label}
        value={rows[index]![name]}
        numeric={name !== 'field'}
        testId={`register-${name}`}
        onChange={(value) => change(index, { [name]: value })}
      />
    )
  }

  return (
    <fieldset className="source-points" data-testid="source-registers">
      <legend>{t('sources.registers')}</legend>
      <PointsError place="registers" error={errorOf('registers')} />
      <table className="table">
        <thead>
          <tr>
            <th>{t('sources.field')}</th>
            <th>{t('sources.kind')}</th>
            <th>{t('sources.address')}</th>
            <th>{t('sources.valueType')}</th>
            <th>{t('sources.wordOrder')}</th>
            <th>{t('sources.scale')}</th>
            <th>{t('sources.offset')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => {
            const shown = registerInputs(row)
            return (
              <tr key={row.key} data-testid="register-row">
                {text(i, 'field', t('sources.field'))}
                <PointCell place={`registers.${i}.kind`} error={errorOf(`registers.${i}.kind`)}>
                  <select
                    aria-label={t('sources.kind')}
                    value={row.kind}
                    onChange={(e) => change(i, { kind: e.target.value as RegisterDraft['kind'] })}
                    data-testid="register-kind"
                  >
                    {MODBUS_REGISTER_KINDS.map((k) => (
                      <option key={k} value={k}>
                        {t(`sources.kind_${k}`)}
                      </option>
                    ))}
                  </select>
                </PointCell>
                {text(i, 'address', t('sources.address'))}
                {shown.includes('type') ? (
                  <PointCell place={`registers.${i}.type`} error={errorOf(`registers.${i}.type`)}>
                    <select
                      aria-label={t('sources.valueType')}
                      value={row.type}
                      onChange={(e) => change(i, { type: e.target.value as RegisterDraft['type'] })}
                      data-testid="register-type"
                    >
                      {MODBUS_VALUE_TYPES.map((v) => (
                        <option key={v}>{v}</option>
                      ))}
                    </select>
                  </PointCell>
                ) : (
                  <td />
                )}
                {shown.includes('wordOrder') ? (
                  <PointCell
                    place={`registers.${i}.wordOrder`}
                    error={errorOf(`registers.${i}.wordOrder`)}
                  >
                    <select
                      aria-label={t('sources.wordOrder')}
                      value={row.wordOrder}
                      onChange={(e) =>
                        change(i, { wordOrder: e.target.value as RegisterDraft['wordOrder'] })
                      }
                      data-testid="register-wordOrder"
                    >
                      <option value="big">{t('sources.wordOrder_big')}</option>
                      <option value="little">{t('sources.wordOrder_little')}</option>
                    </select>
                  </PointCell>
                ) : (
                  <td />
                )}
                {shown.includes('scale') ? text(i, 'scale', t('sources.scale')) : <td />}
                {shown.includes('offset') ? text(i, 'offset', t('sources.offset')) : <td />}
                <td>
                  <button
                    type="button"
                    disabled={rows.length === 1}
                    onClick={() => onChange(rows.filter((_, j) => j !== i))}
                    data-testid="register-remove"
                  >
                    {t('sources.remove')}
                  </button>
                  <PointsError place={`registers.${i}`} error={errorOf(`registers.${i}`)} />
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      <button
        type="button"
        onClick={() => onChange([...rows, newRegister()])}
        data-testid="register-add"
      >
        {t('sources.addRegister')}
      </button>
    </fieldset>
  )
}
