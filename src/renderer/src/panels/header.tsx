import { useState } from 'react'
import { useTranslation } from 'react-i18next'

import { formatAgo, formatEndpoints, formatNumber } from '../format'
import { useBridge, useConsoleView } from '../hooks/use-console'
import { useNow } from '../hooks/use-now'
import { LANGUAGES } from '../i18n'
import { CONSOLE_VIEWS, type ConsoleViewName } from '../state/view-choice'
import { LinkBadge } from './link-badge'
import { SourcesSummary } from './sources-summary'

/**
 * Where devices report, the remote-view URL, the counts, the link and the language; the
 * operator's settings (device tokens, alarm rules); the sources, their health at a glance.
 */
export function Header({
  onTokens,
  onRules,
  onSources,
  shownView,
  onView
}: {
  onTokens?: () => void
  onRules?: () => void
  /** Opens the Sources dialog: for every role (a viewer sees the list, read-only). */
  onSources?: () => void
  /** The view shown, and how to show the other: the switch appears with both. */
  shownView?: ConsoleViewName
  onView?: (view: ConsoleViewName) => void
}): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const view = useConsoleView()
  const now = useNow()
  const lng = i18n.resolvedLanguage ?? 'en'
  const hello = view.hello
  const online = view.devices.filter((d) => d.online).length
  const clientsOnline = view.clients.filter((c) => c.online).length
  const latest = view.metrics.at(-1)
  // Counters come with live samples only; one older than a few seconds is not current.
  const counters = latest?.console !== undefined && now - latest.time < 5000 ? latest.console : null
  // Every tile is as fresh as the link: with the link down, all of them show their age.
  const linkDown = view.link.state !== 'live'
  const age =
    view.lastEventAt === null
      ? undefined
      : t('header.dataAge', { age: formatAgo(now - view.lastEventAt, lng) })

  return (
    <header className="header">
      <div className="brand">
        <img src="./icon.svg" alt="" width={28} height={28} />
        <h1>{t('app.title')}</h1>
        {hello && <span className="muted">{t('app.version', { version: hello.version })}</span>}
      </div>
      {shownView !== undefined && onView && <ViewSwitch view={shownView} onView={onView} />}
      {hello && (
        <dl className="addresses">
          <div>
            <dt>{t('header.ingest')}</dt>
            <dd data-testid="ingest-address">{formatEndpoints(hello.ingest)}</dd>
          </div>
          <div>
            <dt>{t('header.remoteView')}</dt>
            <dd>
              <ViewUrl url={hello.viewUrl} />
            </dd>
          </div>
        </dl>
      )}
      <ul className="tiles" aria-label="counts">
        <Tile label={t('header.devices')} testId="count-devices" stale={linkDown} age={age}>
          {formatNumber(online, lng)} / {formatNumber(view.devices.length, lng)}
        </Tile>
        <Tile
          label={t('header.rate')}
          testId="count-rate"
          stale={linkDown || counters === null}
          age={age}
        >
          {counters === null ? '—' : formatNumber(counters.reportsPerSecond, lng)}
        </Tile>
        <Tile
          label={t('header.viewers')}
          testId="count-viewers"
          stale={linkDown || counters === null}
          age={age}
        >
          {counters === null ? '—' : formatNumber(counters.viewers, lng)}
        </Tile>
        <Tile label={t('header.clients')} testId="count-clients" stale={linkDown} age={age}>
          {formatNumber(clientsOnline, lng)} / {formatNumber(view.clients.length, lng)}
        </Tile>
        {onSources && <SourcesSummary onOpen={onSources} />}
      </ul>
      <div className="header-end">
        <LinkBadge />
        {hello?.role === 'operator' && onTokens && (
          <button type="button" onClick={onTokens} data-testid="open-tokens">
            {t('tokens.open')}
          </button>
        )}
        {hello?.role === 'operator' && onRules && (
          <button type="button" onClick={onRules} data-testid="open-rules-header">
            {t('rules.open')}
          </button>
        )}
        {hello && onSources && (
          <button type="button" onClick={onSources} data-testid="open-sources">
            {t('sources.open')}
          </button>
        )}
        {hello && (
          <span className={`role role-${hello.role}`} data-testid="role">
            {t(`header.role_${hello.role}`)}
          </span>
        )}
        <label className="language">
          <span className="sr-only">{t('language.label')}</span>
          <select
            value={lng}
            onChange={(e) => void i18n.changeLanguage(e.target.value)}
            aria-label={t('language.label')}
          >
            {LANGUAGES.map((l) => (
              <option key={l.code} value={l.code}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
      </div>
    </header>
  )
}

/** Overview | Panels: two buttons, the one shown pressed. */
function ViewSwitch(props: {
  view: ConsoleViewName
  onView: (view: ConsoleViewName) => void
}): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <div className="view-switch" role="group" aria-label={t('view.label')}>
      {CONSOLE_VIEWS.map((view) => (
        <button
          key={view}
          type="button"
          aria-pressed={props.view === view}
          onClick={() => props.onView(view)}
          data-testid={`view-${view}`}
        >
          {t(`view.${view}`)}
        </button>
      ))}
    </div>
  )
}

function Tile(props: {
  label: string
  testId: string
  stale?: boolean
  /** How old the figure is, shown on hover. */
  age?: string
  children: React.ReactNode
}): React.JSX.Element {
  return (
    <li
      className={`tile${props.stale ? ' stale' : ''}`}
      title={props.age}
      data-stale={props.stale === true}
    >
      <span className="tile-value" data-testid={props.testId}>
        {props.children}
      </span>
      <span className="tile-label">{props.label}</span>
    </li>
  )
}

/** The read-only URL, its key masked until asked for; copying works either way. */
function ViewUrl({ url }: { url: string }): React.JSX.Element {
  const { t } = useTranslation()
  const bridge = useBridge()
  const [shown, setShown] = useState(false)
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle')
  const masked = url.replace(/key=[^&]*/, 'key=••••••••')

  const onCopy = async (): Promise<void> => {
    try {
      await bridge.copyViewUrl()
      setCopy('copied')
    } catch {
      setCopy('failed')
    }
    setTimeout(() => setCopy('idle'), 2000)
  }

  return (
    <span className="view-url">
      <code data-testid="view-url">{shown ? url : masked}</code>
      <button type="button" className="link" onClick={() => setShown(!shown)}>
        {shown ? t('header.hide') : t('header.show')}
      </button>
      <button type="button" onClick={() => void onCopy()}>
        {copy === 'copied'
          ? t('header.copied')
          : copy === 'failed'
            ? t('header.copyFailed')
            : t('header.copy')}
      </button>
    </span>
  )
}
