import { useVirtualizer } from '@tanstack/react-virtual'
import { Fragment, memo, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'

import type { StoredReport } from '../../../shared/ingest-protocol'
import { formatNumber, formatPreciseTime } from '../format'
import { useConsole } from '../hooks/use-console'
import { revealInvisible, visibleJson } from '../visible-text'
import { ExportButton } from './export-button'
import { feedSummary } from './feed-summary'
import { IdPicker } from './id-picker'
import { IdText, WithId } from './id-text'
import { Panel } from './panel'

const ROW_HEIGHT = 28

/** What a report carries beyond what the console stamps on it. */
export function payloadOf(report: StoredReport): Record<string, unknown> {
  const { _id, device, time, identity, ...payload } = report
  void _id
  void device
  void time
  void identity
  return payload
}

/**
 * The newest reports first. Virtualized: only the rows in sight exist in the page, so 100,000
 * kept reports scroll as smoothly as 100. Paused, the rows on screen stay where they are while
 * new ones are counted.
 */
export function FeedPanel(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const feed = useConsole((v) => v.feed)
  const feedVersion = useConsole((v) => v.feedVersion)
  const devices = useConsole((v) => v.devices)
  const deviceIds = useMemo(() => devices.map((d) => d.id), [devices])
  const lng = i18n.resolvedLanguage ?? 'en'
  const [pausedAt, setPausedAt] = useState<number | null>(null)
  const [device, setDevice] = useState('')
  const [expanded, setExpanded] = useState<Set<string>>(new Set())
  const scroller = useRef<HTMLDivElement>(null)

  // Paused, index 0 stays the report that was newest when the pause began.
  const offset = pausedAt === null ? 0 : feed.total - pausedAt
  const newWhilePaused = offset

  // With a device filter, the matching rows' places in the ring, newest first.
  const matches = useMemo(() => {
    if (device === '') return null
    const places: number[] = []
    for (let i = offset; i < feed.size; i++) if (feed.at(i)?.device === device) places.push(i)
    return places
    // feedVersion: the ring is mutated in place; its version says when it changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [feed, feedVersion, device, pausedAt === null ? feedVersion : pausedAt])

  const count = matches === null ? Math.max(0, feed.size - offset) : matches.length
  const rowAt = (index: number): StoredReport | undefined =>
    matches === null ? feed.at(index + offset) : feed.at(matches[index]!)

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (index) => rowAt(index)?._id ?? index
  })

  const exportedWhat = device === '' ? t('export.everyDevice') : revealInvisible(device)

  const toggle = (id: string): void => {
    const next = new Set(expanded)
    if (next.has(id)) next.delete(id)
    else next.add(id)
    setExpanded(next)
  }

  return (
    <Panel
      title={t('feed.title')}
      className="feed"
      testId="feed-panel"
      tools={
        <>
          <span className="muted" data-testid="feed-count">
            {t('feed.rows', { formatted: formatNumber(feed.size, lng) })}
          </span>
          <IdPicker
            ids={deviceIds}
            value={device}
            onChange={setDevice}
            label={t('feed.filterDevice')}
            placeholder={t('feed.allDevices')}
            noMatch={t('feed.noDevice')}
            more={(formatted) => t('feed.moreDevices', { formatted })}
          />
          {/* What the filter selects, from the store: the last day by default, or all of it. */}
          <ExportButton
            testId="feed-export"
            choices={[
              {
                label: t('export.feedDay', { what: exportedWhat }),
                query: device === '' ? {} : { device },
                lastMs: 86_400_000
              },
              {
                label: t('export.feedAll', { what: exportedWhat }),
                query: device === '' ? {} : { device }
              }
            ]}
          />
          <button
            type="button"
            aria-pressed={pausedAt !== null}
            data-testid="feed-pause"
            onClick={() => setPausedAt(pausedAt === null ? feed.total : null)}
          >
            {pausedAt === null ? t('feed.pause') : t('feed.resume')}
            {pausedAt !== null && newWhilePaused > 0 && (
              <span className="badge">{t('feed.newWhilePaused', { count: newWhilePaused })}</span>
            )}
          </button>
        </>
      }
    >
      {count === 0 ? (
        <p className="empty">
          {device === '' ? (
            t('feed.empty')
          ) : (
            <WithId id={device} sentence={(id) => t('feed.emptyFiltered', { device: id })} />
          )}
        </p>
      ) : (
        <div className="scroll" ref={scroller} data-testid="feed-scroll">
          <div className="feed-rows" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const report = rowAt(item.index)
              if (report === undefined) return null
              const id = report._id ?? String(item.key)
              const open = expanded.has(id)
              return (
                <div
                  key={item.key}
                  ref={virtualizer.measureElement}
                  data-index={item.index}
                  className={`feed-row${open ? ' open' : ''}`}
                  style={{ transform: `translateY(${item.start}px)` }}
                  data-testid="feed-row"
                >
                  <button
                    type="button"
                    className="feed-line"
                    aria-expanded={open}
                    title={open ? t('feed.collapse') : t('feed.expand')}
                    onClick={() => toggle(id)}
                  >
                    <span className="mono muted">{formatPreciseTime(report.time, lng)}</span>
                    <IdText className="mono device" text={report.device} />
                    <span className="feed-sep" aria-hidden>
                      ·
                    </span>
                    <FeedSummary report={report} lng={lng} />
                  </button>
                  {open && <pre className="json">{visibleJson(report, 2)}</pre>}
                </div>
              )
            })}
          </div>
        </div>
      )}
    </Panel>
  )
}

/**
 * `key=value key=value …`, each name and value isolated (a right-to-left name cannot move the
 * `=` or its neighbours), cut to the row by its CSS.
 */
const FeedSummary = memo(function FeedSummary(props: {
  report: StoredReport
  lng: string
}): React.JSX.Element {
  const pairs = feedSummary(props.report, props.lng)
  return (
    <span className="mono summary">
      {pairs.map((pair, i) => (
        <Fragment key={i}>
          {i > 0 && ' '}
          <bdi className="summary-key">{pair.key}</bdi>=<bdi>{pair.value}</bdi>
        </Fragment>
      ))}
    </span>
  )
})
