import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'

import type { AlarmRuleInfo } from '../../../shared/alarm-types'
import { useBridge } from '../hooks/use-console'
import { usePendingAction } from '../hooks/use-pending-action'
import { revealInvisible } from '../visible-text'
import { conditionText, draftFromRule, NEW_RULE, type RuleDraft } from './alarm-rule-draft'
import { AlarmRuleForm } from './alarm-rule-form'
import { Dialog } from './dialog'
import { IdText } from './id-text'
import { SeverityBadge } from './severity-badge'

/**
 * The operator's alarm rules: those made here (editable) and those of the rules file (shown,
 * changed in the file only); a form makes a new one or changes one.
 */
export function AlarmRulesDialog(props: { onClose: () => void }): React.JSX.Element {
  const { t } = useTranslation()
  const bridge = useBridge()
  const [rules, setRules] = useState<AlarmRuleInfo[] | null>(null)
  const [editing, setEditing] = useState<RuleDraft | null>(null)
  const [deleting, setDeleting] = useState<string | null>(null)
  const action = usePendingAction()
  const { run } = action

  const reload = useCallback(
    () => void run(async () => setRules(await bridge.alarmRules())),
    [bridge, run]
  )
  useEffect(reload, [reload])

  const onDelete = async (id: string): Promise<void> => {
    if (await run(() => bridge.deleteAlarmRule(id))) reload()
    setDeleting(null)
  }

  return (
    <Dialog label={t('rules.title')} testId="rules-dialog" className="wide" onClose={props.onClose}>
      {action.error !== null && (
        <p className="error" role="alert" data-testid="rules-error">
          {t('rules.failed', { message: action.error })}
        </p>
      )}
      {rules === null ? (
        <p className="empty">{t('rules.loading')}</p>
      ) : rules.length === 0 ? (
        <p className="empty">{t('rules.none')}</p>
      ) : (
        <table className="table rules-table">
          <thead>
            <tr>
              <th>{t('rules.name')}</th>
              <th>{t('rules.devices')}</th>
              <th>{t('rules.condition')}</th>
              <th>{t('rules.severity')}</th>
              <th>{t('rules.source')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rules.map((rule) => {
              const condition = conditionText(rule)
              return (
                <tr
                  key={rule.id}
                  data-testid="rule-row"
                  data-rule={rule.id}
                  className={rule.enabled === false ? 'stale' : ''}
                >
                  <td>
                    <IdText text={rule.name} />
                    {rule.enabled === false && (
                      <span className="muted"> · {t('rules.disabled')}</span>
                    )}
                  </td>
                  <td className="mono">
                    <IdText text={rule.devices} />
                  </td>
                  <td className="mono">
                    {typeof condition === 'string' ? (
                      <IdText text={condition} />
                    ) : (
                      t('rules.staleSummary', { seconds: condition.staleSeconds })
                    )}
                  </td>
                  <td>
                    <SeverityBadge severity={rule.severity} />
                  </td>
                  <td>{t(`rules.source_${rule.source}`)}</td>
                  <td className="alarm-actions">
                    {rule.source === 'file' ? (
                      <span className="muted">{t('rules.fromFile')}</span>
                    ) : deleting === rule.id ? (
                      <button
                        type="button"
                        className="danger"
                        onClick={() => void onDelete(rule.id)}
                        data-testid="rule-confirm-delete"
                      >
                        {t('rules.confirmDelete', { name: revealInvisible(rule.name) })}
                      </button>
                    ) : (
                      <>
                        <button
                          type="button"
                          onClick={() => setEditing(draftFromRule(rule))}
                          data-testid="rule-edit"
                        >
                          {t('rules.edit')}
                        </button>
                        <button
                          type="button"
                          onClick={() => setDeleting(rule.id)}
                          data-testid="rule-delete"
                        >
                          {t('rules.delete')}
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
      {editing === null ? (
        <div className="form-row">
          <button
            type="button"
            className="primary"
            onClick={() => setEditing(NEW_RULE)}
            data-testid="rule-new"
          >
            {t('rules.new')}
          </button>
        </div>
      ) : (
        <AlarmRuleForm
          // A new form for each rule chosen: its inputs start from that rule.
          key={editing.id ?? ''}
          initial={editing}
          onSaved={() => {
            setEditing(null)
            reload()
          }}
          onCancel={() => setEditing(null)}
        />
      )}
    </Dialog>
  )
}
