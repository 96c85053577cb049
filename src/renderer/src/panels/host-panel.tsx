import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'

import { LineChart } from '../charts/line-chart'
import { formatAgo, formatBytes, formatNumber } from '../format'
import { useConsole } from '../hooks/use-console'
import { useNow } from '../hooks/use-now'
import { Panel } from './panel'

const WINDOW_MS = 60_000
/** A sample older than this means the sampler (or the link) stopped. */
const STALE_AFTER_MS = 5000

/** The console host: load of each core over the last minute, and memory. */
export function HostPanel(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const metrics = useConsole((v) => v.metrics)
  const now = useNow()
  const lng = i18n.resolvedLanguage ?? 'en'
  const latest = metrics.at(-1)
  // One line per core over the last minute; new only when a sample arrives (once a second).
  const cpuSeries = useMemo(() => {
    const last = metrics.at(-1)
    if (last === undefined) return []
    const recent = metrics.filter((m) => m.time > last.time - WINDOW_MS)
    return last.cpus.map((_, core) => ({
      name: t('host.core', { n: core }),
      data: recent.map((m): [number, number] => [m.time, m.cpus[core] ?? 0])
    }))
  }, [metrics, t])

  if (latest === undefined)
    return (
      <Panel title={t('host.title')} className="host" testId="host-panel">
        <p className="empty">{t('host.empty')}</p>
      </Panel>
    )

  const series = cpuSeries
  const stale = now - latest.time > STALE_AFTER_MS
  const memShare = latest.mem.total > 0 ? (latest.mem.used / latest.mem.total) * 100 : 0

  return (
    <Panel
      title={t('host.title')}
      className={`host${stale ? ' stale' : ''}`}
      testId="host-panel"
      tools={
        <span className={`muted age${stale ? ' stale-text' : ''}`} data-testid="host-age">
          {t('host.sampleAge', { age: formatAgo(now - latest.time, lng) })}
        </span>
      }
    >
      <h3 className="sub">
        {t('host.cpu')} · {t('host.total')} {formatNumber(latest.cpu, lng, 1)}%
      </h3>
      <LineChart
        series={series}
        yMax={100}
        unit="%"
        window={{ ms: WINDOW_MS, until: latest.time }}
        height={220}
        label={t('host.cpu')}
        testId="cpu-chart"
      />
      <h3 className="sub">{t('host.memory')}</h3>
      <div
        className="meter"
        role="meter"
        aria-valuenow={Math.round(memShare)}
        aria-valuemin={0}
        aria-valuemax={100}
      >
        <progress max={100} value={memShare} />
        <span>
          {t('host.memoryUsed', {
            used: formatBytes(latest.mem.used, lng),
            total: formatBytes(latest.mem.total, lng)
          })}
        </span>
      </div>
    </Panel>
  )
}
