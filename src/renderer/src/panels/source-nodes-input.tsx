import { useTranslation } from 'react-i18next'

import { newNode, type NodeDraft } from './source-draft'
import { PointsError, PointTextCell } from './source-point-cell'

/** An OPC UA source's nodes, one row each: the node watched, and the field it goes into. */
export function NodesInput(props: {
  rows: NodeDraft[]
  onChange: (rows: NodeDraft[]) => void
  errorOf: (place: string) => string | null
}): React.JSX.Element {
  const { t } = useTranslation()
  const { rows, onChange, errorOf } = props
  const text = (index: number, name: 'field' | 'nodeId' | 'samplingMs') => {
    const place = `nodes.${index}.${name}`
    return (
      <PointTextCell
        place={place}
        error={errorOf(place)}
        label={t(`sources.${name}`)}
        value={rows[index]![name]}
        numeric={name === 'samplingMs'}
        testId={`node-${name}`}
        onChange={(value) =>
          onChange(rows.map((r, i) => (i === index ? { ...r, [name]: value } : r)))
        }
      />
    )
  }

  return (
    <fieldset className="source-points" data-testid="source-nodes">
      <legend>{t('sources.nodes')}</legend>
      <PointsError place="nodes" error={errorOf('nodes')} />
      <table className="table">
        <thead>
          <tr>
            <th>{t('sources.field')}</th>
            <th>{t('sources.nodeId')}</th>
            <th>{t('sources.samplingMs')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={row.key} data-testid="node-row">
              {text(i, 'field')}
              {text(i, 'nodeId')}
              {text(i, 'samplingMs')}
              <td>
                <button
                  type="button"
                  disabled={rows.length === 1}
                  onClick={() => onChange(rows.filter((_, j) => j !== i))}
                  data-testid="node-remove"
                >
                  {t('sources.remove')}
                </button>
                <PointsError place={`nodes.${i}`} error={errorOf(`nodes.${i}`)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => onChange([...rows, newNode()])} data-testid="node-add">
        {t('sources.addNode')}
      </button>
    </fieldset>
  )
}
