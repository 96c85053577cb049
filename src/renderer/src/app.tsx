import { useEffect, useState } from 'react'

import type { ConsoleStatus } from '../../shared/ipc-contract'

/** The first window: the console's state and where devices report. The full UI comes later. */
export function App(): React.JSX.Element {
  const [status, setStatus] = useState<ConsoleStatus>({ state: 'starting' })

  useEffect(() => {
    let cancelled = false
    const poll = async (): Promise<void> => {
      const next = await window.api.getStatus()
      if (cancelled) return
      setStatus(next)
      if (next.state === 'starting') setTimeout(() => void poll(), 250)
    }
    void poll()
    return () => {
      cancelled = true
    }
  }, [])

  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 24 }}>
      <h1>Lookout</h1>
      {status.state === 'starting' && <p>Starting the console…</p>}
      {status.state === 'failed' && (
        <p role="alert">The console could not start: {status.message}</p>
      )}
      {status.state === 'running' && (
        <dl>
          <dt>Devices report to</dt>
          <dd>
            TCP {status.ingest.host}:{status.ingest.port}
          </dd>
          <dt>Web API</dt>
          <dd>
            http://{status.web.host}:{status.web.port}
          </dd>
          <dt>Data</dt>
          <dd>{status.dataDir}</dd>
        </dl>
      )}
    </main>
  )
}
