import { startTransition, useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'

import type { StoredReport } from '../../../shared/ingest-protocol'
import type { ConsoleBridge } from '../bridge/console-bridge'
import { formatEndpoints, formatNumber } from '../format'
import { useBridge, useConsole } from '../hooks/use-console'
import { useNow } from '../hooks/use-now'
import { useTextFilter } from '../hooks/use-text-filter'
import { useVirtualGrid } from '../hooks/use-virtual-grid'
import { worstAlarmByDevice } from '../state/alarm-selectors'
import { LatestReports } from '../state/latest-reports'
import { localSettings } from '../state/local-storage'
import {
  patternFor,
  readOverviewSettings,
  writeOverviewSettings,
  type OverviewSettings
} from '../state/overview-settings'
import { RequestLimiter } from '../state/request-limiter'
import { SparklineHistory } from '../state/sparkline-history'
import { tileFields } from '../state/tile-fields'
import { DeviceTile, TILE_HEIGHT, TILE_MIN_WIDTH } from './device-tile'
import { OverviewSettingsForm } from './overview-settings-form'
import { Panel } from './panel'

/** Requests for the tiles (history, a latest report) in flight at once, at most. */
export const OVERVIEW_REQUESTS_IN_FLIGHT = 4
const TILE_GAP = 10
/** The tiles in the page are asked for once they have stayed this long, ms. */
export const SETTLE_MS = 150

/**
 * The plant at a glance: a tile per device (see DeviceTile), in the devices list's order, with a
 * filter and the choice of fields. Virtualized: only the rows of tiles in sight exist in the
 * page, and only their history is asked for, four requests at a time.
 */
export function OverviewPanel(props: { onOpen: (device: string) => void }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const bridge = useBridge()
  const devices = useConsole((v) => v.devices)
  const hello = useConsole((v) => v.hello)
  const alarms = useConsole((v) => v.alarms)
  const feed = useConsole((v) => v.feed)
  const feedVersion = useConsole((v) => v.feedVersion)
  const now = useNow()
  const lng = i18n.resolvedLanguage ?? 'en'
  const [settings, setSettings] = useState(() => readOverviewSettings(localSettings()))
  const [editing, setEditing] = useState(false)
  const onAnswer = useRedrawOncePerFrame()
  const { latest, history } = useTileSources(bridge, onAnswer)

  // The feed's new reports, read as the ring grows: in render, so a batch is shown by the render
  // it causes. A second call for the same version reads nothing.
  // feedVersion: the ring is mutated in place; its version says when it changed.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useMemo(() => history.append(latest.catchUp(feed)), [feed, feedVersion, latest, history])

  const worst = useMemo(() => worstAlarmByDevice(alarms), [alarms])
  const { filter, setFilter, shown } = useTextFilter(devices, (d) => [d.id, d.identity])
  const grid = useVirtualGrid(
    shown.length,
    { minWidth: TILE_MIN_WIDTH, height: TILE_HEIGHT, gap: TILE_GAP },
    filter
  )

  // A tile's fields are chosen once per report and pattern, not once per second.
  const chosen = useRef(new WeakMap<StoredReport, Map<string, string[]>>())
  const fieldsOf = (device: string): string[] => {
    const report = latest.get(device)
    if (report === undefined) return []
    const pattern = patternFor(settings, device)
    let byPattern = chosen.current.get(report)
    if (byPattern === undefined) chosen.current.set(report, (byPattern = new Map()))
    let fields = byPattern.get(pattern)
    if (fields === undefined) byPattern.set(pattern, (fields = tileFields(report, pattern)))
    return fields
  }

  const inSight = grid.rows.flatMap((row) => shown.slice(row.from, row.to))
  const wanted = inSight.map((d) => ({ device: d.id, fields: fieldsOf(d.id) }))
  const wantedKey = wanted.map((w) => `${w.device}\u0000${w.fields.join('\u0000')}`).join('\u0001')
  useEffect(() => {
    // Asked once the grid has settled: tiles a fast scroll only passes ask for nothing, and
    // their answers cost the scroll no frames.
    const settled = setTimeout(() => {
      latest.show(wanted.map((w) => w.device))
      history.show(wanted)
    }, SETTLE_MS)
    return () => clearTimeout(settled)
    // wantedKey says what `wanted` holds; `now` asks again for the history grown a minute old.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [latest, history, wantedKey, now])

  const onSettings = (next: OverviewSettings): void => {
    setSettings(next)
    writeOverviewSettings(localSettings(), next)
  }

  return (
    <Panel
      title={t('overview.title')}
      className="overview"
      testId="overview"
      tools={
        <>
          <span className="muted" data-testid="overview-count">
            {t('overview.count', { formatted: formatNumber(shown.length, lng) })}
          </span>
          <input
            type="search"
            placeholder={t('devices.filter')}
            aria-label={t('devices.filter')}
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
          <button
            type="button"
            aria-expanded={editing}
            onClick={() => setEditing(!editing)}
            data-testid="overview-fields"
          >
            {t('overview.fields')}
          </button>
        </>
      }
    >
      {editing && (
        <OverviewSettingsForm
          settings={settings}
          deviceIds={devices.map((d) => d.id)}
          onChange={onSettings}
        />
      )}
      {devices.length === 0 ? (
        <p className="empty">
          {t('devices.empty', { address: hello ? formatEndpoints(hello.ingest) : '…' })}
        </p>
      ) : shown.length === 0 ? (
        <p className="empty">{t('devices.noMatch', { filter })}</p>
      ) : (
        <div className="scroll" ref={grid.scroller} data-testid="overview-scroll">
          <div className="tile-grid" style={{ height: grid.height }} data-count={shown.length}>
            {grid.rows.map((row) => (
              <div
                key={row.key.toString()}
                className="tile-row"
                style={{
                  transform: `translateY(${row.start}px)`,
                  gridTemplateColumns: `repeat(${grid.columns}, minmax(0, 1fr))`
                }}
              >
                {shown.slice(row.from, row.to).map((d) => (
                  <DeviceTile
                    key={d.id}
                    device={d}
                    latest={latest.get(d.id)}
                    fields={fieldsOf(d.id)}
                    alarm={worst.get(d.id)}
                    history={history}
                    historyVersion={history.version(d.id)}
                    now={now}
                    lng={lng}
                    onOpen={props.onOpen}
                  />
                ))}
              </div>
            ))}
          </div>
        </div>
      )}
    </Panel>
  )
}

/**
 * A function that has the Overview drawn again at the next frame, however often it is called
 * before: scrolling past 500 tiles brings a history answer every few ms, each of which would
 * otherwise draw every tile in sight. Drawn as a transition: new sparklines can wait for a frame
 * that has time, a scroll cannot.
 */
function useRedrawOncePerFrame(): () => void {
  const [, setAnswers] = useState(0)
  const pending = useRef(false)
  return useCallback(() => {
    if (pending.current) return
    pending.current = true
    const draw = (): void => {
      pending.current = false
      startTransition(() => setAnswers((n) => n + 1))
    }
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(draw)
    else setTimeout(draw, 0)
  }, [])
}

/** The tiles' latest reports and histories, for this bridge, sharing one bound on requests. */
function useTileSources(
  bridge: ConsoleBridge,
  onAnswer: () => void
): { latest: LatestReports; history: SparklineHistory } {
  const sources = useMemo(() => {
    const limiter = new RequestLimiter(OVERVIEW_REQUESTS_IN_FLIGHT)
    return {
      latest: new LatestReports({
        query: (query) => bridge.queryReports(query),
        limiter,
        onChange: onAnswer
      }),
      history: new SparklineHistory({
        series: (query) => bridge.series(query),
        limiter,
        now: Date.now,
        onChange: onAnswer
      })
    }
  }, [bridge, onAnswer])
  useEffect(
    () => () => {
      sources.history.stop()
      sources.latest.stop()
    },
    [sources]
  )
  return sources
}
