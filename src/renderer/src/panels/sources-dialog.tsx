import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'

import type { SourceConfig, SourceHealth } from '../../../shared/source-types'
import { useBridge, useConsole } from '../hooks/use-console'
import { useNow } from '../hooks/use-now'
import { usePendingAction } from '../hooks/use-pending-action'
import { revealInvisible } from '../visible-text'
import { Dialog } from './dialog'
import { IdText } from './id-text'
import { draftFromConfig, newSourceDraft, type SourceDraft } from './source-draft'
import { SourceForm } from './source-form'
import { SourceHealthCells } from './source-health'

/** Where a source reads from, in one line. */
function whereText(config: SourceConfig | undefined): string {
  if (config === undefined) return ''
  return config.type === 'modbus' ? `${config.host}:${config.port ?? 502}` : config.endpoint
}

/**
 * Every source, the console's and the sources file's, with its health as it arrives live (the
 * `sources` topic); an operator makes, changes and deletes the console's. The configs are asked
 * for when the dialog opens and after each change (the live topic carries health only).
 */
export function SourcesDialog(props: { onClose: () => void }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const lng = i18n.resolvedLanguage ?? 'en'
  const bridge = useBridge()
  const now = useNow()
  const operator = useConsole((v) => v.hello?.role === 'operator')
  const health = useConsole((v) => v.sources)
  const [configs, setConfigs] = useState<Map<string, SourceConfig> | null>(null)
  const [editing, setEditing] = useState<SourceDraft | null>(null)
  const [deleting, setDeleting] = useState<string | null>(null)
  const action = usePendingAction()
  const { run } = action

  const reload = useCallback(
    () =>
      void run(async () => {
        const list = await bridge.sources()
        setConfigs(new Map(list.map((s) => [s.config.id, s.config])))
      }),
    [bridge, run]
  )
  // Asked again when the set of sources changes (a file edit adds one): its config is shown.
  const ids = health?.map((h) => h.id).join('\n') ?? ''
  useEffect(reload, [reload, ids])

  const onDelete = async (id: string): Promise<void> => {
    if (await run(() => bridge.deleteSource(id))) reload()
    setDeleting(null)
  }
  const onEdit = async (id: string): Promise<void> => {
    // Fresh from the console: the form starts from the config in force, not one shown earlier.
    await run(async () => {
      const config = (await bridge.sources()).find((s) => s.config.id === id)?.config
      if (config !== undefined) setEditing(draftFromConfig(config))
    })
  }

  return (
    <Dialog
      label={t('sources.title')}
      testId="sources-dialog"
      className="wide"
      onClose={props.onClose}
    >
      {action.error !== null && (
        <p className="error" role="alert" data-testid="sources-error">
          {t('sources.failed', { message: action.error })}
        </p>
      )}
      {health === null ? (
        <p className="empty">{t('sources.loading')}</p>
      ) : health.length === 0 ? (
        <p className="empty">{t('sources.none')}</p>
      ) : (
        <table className="table sources-table">
          <thead>
            <tr>
              <th>{t('sources.id')}</th>
              <th>{t('sources.type')}</th>
              <th>{t('sources.device')}</th>
              <th>{t('sources.where')}</th>
              <th>{t('sources.state')}</th>
              <th>{t('sources.lastRead')}</th>
              <th>{t('sources.readsPerSec')}</th>
              <th>{t('sources.lastError')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {health.map((source) => (
              <SourceRow
                key={source.id}
                source={source}
                where={whereText(configs?.get(source.id))}
                now={now}
                lng={lng}
                actions={
                  source.origin === 'file' ? (
                    <span className="muted" data-testid="source-from-file">
                      {t('sources.fromFile')}
                    </span>
                  ) : !operator ? null : deleting === source.id ? (
                    <button
                      type="button"
                      className="danger"
                      onClick={() => void onDelete(source.id)}
                      data-testid="source-confirm-delete"
                    >
                      {t('sources.confirmDelete', { id: revealInvisible(source.id) })}
                    </button>
                  ) : (
                    <>
                      <button
                        type="button"
                        onClick={() => void onEdit(source.id)}
                        data-testid="source-edit"
                      >
                        {t('sources.edit')}
                      </button>
                      <button
                        type="button"
                        onClick={() => setDeleting(source.id)}
                        data-testid="source-delete"
                      >
                        {t('sources.delete')}
                      </button>
                    </>
                  )
                }
              />
            ))}
          </tbody>
        </table>
      )}
      {!operator ? (
        <p className="muted" data-testid="sources-read-only">
          {t('sources.readOnly')}
        </p>
      ) : editing === null ? (
        <div className="form-row">
          <button
            type="button"
            className="primary"
            onClick={() => setEditing(newSourceDraft())}
            data-testid="source-new"
          >
            {t('sources.new')}
          </button>
        </div>
      ) : (
        <SourceForm
          // A new form for each source chosen: its inputs start from that source.
          key={editing.editing ?? ''}
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

function SourceRow(props: {
  source: SourceHealth
  where: string
  now: number
  lng: string
  actions: React.ReactNode
}): React.JSX.Element {
  const { t } = useTranslation()
  const { source } = props
  return (
    <tr
      data-testid="source-row"
      data-source={source.id}
      data-origin={source.origin}
      data-state={source.state}
    >
      <td className="mono">
        <IdText text={source.id} />
        {source.origin === 'file' && <span className="muted"> · {t('sources.origin_file')}</span>}
      </td>
      <td>{t(`sources.type_${source.type}`)}</td>
      <td className="mono">
        <IdText text={source.device} />
      </td>
      <td className="mono">{props.where}</td>
      <SourceHealthCells health={source} now={props.now} lng={props.lng} />
      <td className="alarm-actions">{props.actions}</td>
    </tr>
  )
}
