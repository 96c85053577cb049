import { useEffect, useMemo, useState } from 'react'

import type { ConsoleBridge, LinkState } from './bridge/console-bridge'
import { ConsoleContext, useConsole } from './hooks/use-console'
import { DeviceDetail } from './panels/device-detail'
import { DeviceTokensDialog } from './panels/device-tokens-dialog'
import { DevicesPanel } from './panels/devices-panel'
import { FeedPanel } from './panels/feed-panel'
import { Header } from './panels/header'
import { HostPanel } from './panels/host-panel'
import { LinkBanner } from './panels/link-banner'
import { PushPanel } from './panels/push-panel'
import { FailedScreen, LoadingScreen, ThrottledScreen } from './panels/status-screens'
import { ConsoleStore } from './state/console-store'

type Refusal = Extract<LinkState, { state: 'refused' }>

/** The console for one bridge: connects it to a store and lays out the panels. */
export function App(props: {
  bridge: ConsoleBridge
  onRefused?: (refusal: Refusal) => void
}): React.JSX.Element {
  const store = useMemo(() => new ConsoleStore(), [])
  useEffect(() => props.bridge.connect(store.events), [props.bridge, store])
  const context = useMemo(() => ({ store, bridge: props.bridge }), [store, props.bridge])
  return (
    <ConsoleContext.Provider value={context}>
      <ConsoleScreen onRefused={props.onRefused} />
    </ConsoleContext.Provider>
  )
}

function ConsoleScreen(props: { onRefused?: (refusal: Refusal) => void }): React.JSX.Element {
  const link = useConsole((v) => v.link)
  const hello = useConsole((v) => v.hello)
  const [device, setDevice] = useState<string | null>(null)
  const [tokens, setTokens] = useState(false)
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
      <Header onTokens={() => setTokens(true)} />
      <LinkBanner />
      <main className="grid">
        <DevicesPanel onOpen={setDevice} />
        <HostPanel />
        <FeedPanel />
        <PushPanel />
      </main>
      {device !== null && <DeviceDetail device={device} onClose={() => setDevice(null)} />}
      {tokens && <DeviceTokensDialog onClose={() => setTokens(false)} />}
    </div>
  )
}
