import './styles.css'

import { StrictMode, useCallback, useMemo, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { useTranslation } from 'react-i18next'

import { App } from './app'
import { forgetKey, rememberKey, takeKeyFromAddress } from './bridge/browser-key'
import { IpcBridge } from './bridge/ipc-bridge'
import { SocketBridge } from './bridge/socket-bridge'
import { setUpI18n } from './i18n'
import { KeyForm } from './panels/key-form'

/**
 * A remote browser: the key from `?key=` or session storage; without one, or after the console
 * refused it, a form asks for it. A throttled address is no refusal of the key: the bridge keeps
 * it and tries again by itself.
 */
function BrowserConsole(): React.JSX.Element {
  const { t } = useTranslation()
  const [key, setKey] = useState(takeKeyFromAddress)
  const [error, setError] = useState<string | null>(null)
  const bridge = useMemo(
    () => (key === null ? null : new SocketBridge(window.location.origin, key)),
    [key]
  )
  const onRefused = useCallback(
    (refusal: { reason: 'wrong_key' | 'no_key' }) => {
      forgetKey()
      setKey(null)
      setError(t(`key.${refusal.reason}`))
    },
    [t]
  )
  if (bridge === null)
    return (
      <KeyForm
        error={error}
        onKey={(next) => {
          rememberKey(next)
          setError(null)
          setKey(next)
        }}
      />
    )
  return <App bridge={bridge} onRefused={onRefused} />
}

void setUpI18n().then(() => {
  // The preload's `window.api` exists in the desktop window only.
  const api = window.api
  createRoot(document.getElementById('root')!).render(
    <StrictMode>{api ? <App bridge={new IpcBridge(api)} /> : <BrowserConsole />}</StrictMode>
  )
})
