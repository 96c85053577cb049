import { useEffect, useMemo, useState } from 'react'

import type { ConsoleBridge, LinkState } from './bridge/console-bridge'
import type { AlarmSoundMaker } from './alarm-tone'
import { ConsoleContext, useConsole } from './hooks/use-console'
import { AlarmBar } from './panels/alarm-bar'
import { AlarmRulesDialog } from './panels/alarm-rules-dialog'
import { AlarmSignals } from './panels/alarm-signals'
import { AlarmsPanel } from './panels/alarms-panel'
import { DeviceDetail } from './panels/device-detail'
import { DeviceTokensDialog } from './panels/device-tokens-dialog'
import { DevicesPanel } from './panels/devices-panel'
import { FeedPanel } from './panels/feed-panel'
import { Header } from './panels/header'
import { HostPanel } from './panels/host-panel'
import { LinkBanner } from './panels/link-banner'
import { OverviewPanel } from './panels/overview-panel'
import { PushPanel } from './panels/push-panel'
import { SourcesDialog } from './panels/sources-dialog'
import { FailedScreen, LoadingScreen, ThrottledScreen } from './panels/status-screens'
import { ConsoleStore } from './state/console-store'
import { localSettings } from './state/local-storage'
import { readView, writeView, type ConsoleViewName } from './state/view-choice'

type Refusal = Extract<LinkState, { state: 'refused' }>

/** The console for one bridge: connects it to a store and lays out the panels. */
export function App(props: {
  bridge: ConsoleBridge
  onRefused?: (refusal: Refusal) => void
  /** The desktop window's alarm tone; WebAudio unless given. */
  makeAlarmSound?: AlarmSoundMaker
}): React.JSX.Element {
  const store = useMemo(() => new ConsoleStore(), [])
  useEffect(() => props.bridge.connect(store.events), [props.bridge, store])
  const context = useMemo(() => ({ store, bridge: props.bridge }), [store, props.bridge])
  return (
    <ConsoleContext.Provider value={context}>
      <ConsoleScreen onRefused={props.onRefused} makeAlarmSound={props.makeAlarmSound} />
    </ConsoleContext.Provider>
  )
}

/** The dialog open over the console, if any: one at a time. */
type Open =
  | { dialog: 'device'; device: string }
  | { dialog: 'tokens' | 'alarms' | 'rules' | 'sources' }
  | null

function ConsoleScreen(props: {
  onRefused?: (refusal: Refusal) => void
  makeAlarmSound?: AlarmSoundMaker
}): React.JSX.Element {
  const link = useConsole((v) => v.link)
  const hello = useConsole((v) => v.hello)
  const [open, setOpen] = useState<Open>(null)
  const close = (): void => setOpen(null)
  const [view, setView] = useState(() => readView(localSettings()))
  const showView = (next: ConsoleViewName): void => {
    setView(next)
    writeView(localSettings(), next)
  }
  const openDevice = (device: string): void => setOpen({ dialog: 'device', device })
  const { onRefused } = props
  useEffect(() => {
    if (link.state === 'refused') onRefused?.(link)
  }, [link, onRefused])

  if (link.state === 'failed') return <FailedScreen message={link.message} hint={link.hint} />
  if (link.state === 'throttled' && hello === null)
    return <ThrottledScreen retryAt={link.retryAt} />
  if (hello === null || link.state === 'connecting' || link.state === 'refused')
    return <LoadingScreen />
  return (
    <div className="console" data-link={link.state}>
      <AlarmSignals makeSound={props.makeAlarmSound} />
      <Header
        onTokens={() => setOpen({ dialog: 'tokens' })}
        onRules={() => setOpen({ dialog: 'rules' })}
        onSources={() => setOpen({ dialog: 'sources' })}
        shownView={view}
        onView={showView}
      />
      <AlarmBar onOpen={() => setOpen({ dialog: 'alarms' })} />
      <LinkBanner />
      {view === 'overview' ? (
        <main className="overview-area">
          <OverviewPanel onOpen={openDevice} />
        </main>
      ) : (
        <main className="grid">
          <DevicesPanel onOpen={openDevice} />
          <HostPanel />
          <FeedPanel />
          <PushPanel />
        </main>
      )}
      {open?.dialog === 'device' && <DeviceDetail device={open.device} onClose={close} />}
      {open?.dialog === 'tokens' && <DeviceTokensDialog onClose={close} />}
      {open?.dialog === 'alarms' && (
        <AlarmsPanel onClose={close} onRules={() => setOpen({ dialog: 'rules' })} />
      )}
      {open?.dialog === 'rules' && <AlarmRulesDialog onClose={close} />}
      {open?.dialog === 'sources' && <SourcesDialog onClose={close} />}
    </div>
  )
}
