import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'

import type { AlarmEventQuery } from '../../../shared/alarm-types'
import type { ExportFormat, ExportOutcome, ExportQuery } from '../../../shared/history-types'
import { formatNumber } from '../format'
import { useBridge } from '../hooks/use-console'

/**
 * One thing the button may export, with a label for its menu: stored reports (the query without
 * a format), or the alarms' audit trail (CSV only).
 */
export type ExportChoice =
  | {
      label: string
      query: Omit<ExportQuery, 'format'>
      /** The last this many ms up to the moment it starts (`since` set then, not at render). */
      lastMs?: number
    }
  | { label: string; alarmEvents: AlarmEventQuery }

type Run =
  | { state: 'idle' }
  | { state: 'running'; id: string; fraction: number; reports: number }
  | { state: 'done'; outcome: ExportOutcome }
  | { state: 'failed'; message: string }

let exportsStarted = 0

/**
 * An Export button: a small menu of what to export (`choices`, e.g. the range shown or
 * everything) and as what (CSV or NDJSON), then a progress bar with a Cancel until the file is
 * saved — by the desktop window's save dialog, or as a browser download. Self-contained: the
 * panel that shows it only says what its choices are.
 */
export function ExportButton(props: {
  choices: readonly ExportChoice[]
  testId: string
  /** The button's text; `Export…` when not given. */
  label?: string
}): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const lng = i18n.resolvedLanguage ?? 'en'
  const bridge = useBridge()
  const [open, setOpen] = useState(false)
  const [choice, setChoice] = useState(0)
  const [format, setFormat] = useState<ExportFormat>('csv')
  const [run, setRun] = useState<Run>({ state: 'idle' })
  const mounted = useRef(true)
  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
    }
  }, [])

  // Subscribed only while an export runs: the progress of this one, by its id.
  const runningId = run.state === 'running' ? run.id : null
  useEffect(() => {
    if (runningId === null) return
    return bridge.onExportProgress((progress) => {
      if (progress.id !== runningId) return
      setRun((now) =>
        now.state === 'running' && now.id === runningId
          ? { ...now, fraction: progress.fraction, reports: progress.reports }
          : now
      )
    })
  }, [bridge, runningId])
  // A dialog closed mid-export stops its export.
  useEffect(() => {
    if (runningId === null) return
    return () => {
      if (!mounted.current) void bridge.cancelExport(runningId).catch(() => undefined)
    }
  }, [bridge, runningId])

  const reportsOnly = props.choices.every((c) => !('alarmEvents' in c))
  const menu = props.choices.length > 1 || reportsOnly

  const start = (): void => {
    const picked = props.choices[choice] ?? props.choices[0]
    if (picked === undefined) return
    const id = `export-${Date.now()}-${++exportsStarted}`
    setOpen(false)
    setRun({ state: 'running', id, fraction: 0, reports: 0 })
    const made =
      'alarmEvents' in picked
        ? bridge.exportAlarmEvents(picked.alarmEvents, id)
        : bridge.exportReports(
            {
              ...picked.query,
              ...(picked.lastMs !== undefined && { since: Date.now() - picked.lastMs }),
              format
            },
            id
          )
    made.then(
      (outcome) => mounted.current && setRun({ state: 'done', outcome }),
      (error: Error) => mounted.current && setRun({ state: 'failed', message: error.message })
    )
  }

  if (run.state === 'running')
    return (
      <span className="export-run" data-testid={`${props.testId}-running`}>
        <progress
          max={1}
          value={run.fraction}
          aria-label={t('export.progress')}
          data-testid={`${props.testId}-progress`}
        />
        <span className="muted">
          {t('export.reports', { formatted: formatNumber(run.reports, lng) })}
        </span>
        <button
          type="button"
          data-testid={`${props.testId}-cancel`}
          onClick={() => void bridge.cancelExport(run.id).catch(() => undefined)}
        >
          {t('export.cancel')}
        </button>
      </span>
    )

  return (
    <span className="export-button">
      <button
        type="button"
        aria-expanded={open}
        data-testid={`${props.testId}-open`}
        // Nothing to choose (the audit trail: one thing, as CSV): the click starts it.
        onClick={() => (menu ? setOpen(!open) : start())}
      >
        {props.label ?? t('export.button')}
      </button>
      {open && (
        <span className="export-menu" role="group" aria-label={t('export.button')}>
          {props.choices.length > 1 && (
            <label>
              {t('export.what')}{' '}
              <select
                value={choice}
                data-testid={`${props.testId}-choice`}
                onChange={(e) => setChoice(Number(e.target.value))}
              >
                {props.choices.map((c, i) => (
                  <option key={c.label} value={i}>
                    {c.label}
                  </option>
                ))}
              </select>
            </label>
          )}
          {reportsOnly && (
            <label>
              {t('export.format')}{' '}
              <select
                value={format}
                data-testid={`${props.testId}-format`}
                onChange={(e) => setFormat(e.target.value as ExportFormat)}
              >
                <option value="csv">{t('export.csv')}</option>
                <option value="ndjson">{t('export.ndjson')}</option>
              </select>
            </label>
          )}
          <button type="button" data-testid={`${props.testId}-start`} onClick={start}>
            {t('export.start')}
          </button>
        </span>
      )}
      {run.state === 'done' && (
        <span className="muted" role="status" data-testid={`${props.testId}-result`}>
          {run.outcome.saved
            ? t('export.saved', {
                path: run.outcome.path,
                formatted: formatNumber(run.outcome.reports, lng)
              })
            : t('export.cancelled')}
        </span>
      )}
      {run.state === 'failed' && (
        <span className="error" role="alert" data-testid={`${props.testId}-result`}>
          {t('export.failed', { message: run.message })}
        </span>
      )}
    </span>
  )
}
