import { join } from 'node:path'

import { createModbusDriver } from './modbus/modbus-driver'
import type { OpcuaDriverFactory, SourceDriver, SourceDriverFactories } from './source-driver'
import { describeError } from './source'

/**
 * The driver of each source type, as the console runs them. OPC UA keeps its client
 * certificate and the servers it trusts in `<data-dir>/opcua-pki`, beside the console's keys.
 */
export function sourceDrivers(dataDir: string): SourceDriverFactories {
  return {
    modbus: createModbusDriver,
    opcua: lazyOpcua(join(dataDir, 'opcua-pki'))
  }
}

/**
 * node-opcua is loaded with the first OPC UA source, not with the console: it takes seconds to
 * load and writes to stdout when it does, and most consoles have no OPC UA source.
 */
function lazyOpcua(pkiDir: string): OpcuaDriverFactory {
  let factory: Promise<OpcuaDriverFactory> | null = null
  return (config, events, options) => {
    let inner: SourceDriver | null = null
    let stopped = false
    let loading: Promise<void> = Promise.resolve()
    return {
      start() {
        events.state('connecting')
        factory ??= import('./opcua/opcua-driver').then((m) => m.opcuaDriverFactory({ pkiDir }))
        loading = factory.then(
          (make) => {
            if (stopped) return
            // Out of the source's call now: what throws must still reach it as a failure.
            try {
              inner = make(config, events, options)
              inner.start()
            } catch (error) {
              events.state('error', describeError(error))
            }
          },
          (error: unknown) => {
            if (!stopped)
              events.state('error', `OPC UA could not be loaded: ${describeError(error)}`)
          }
        )
      },
      async stop() {
        stopped = true
        await loading
        await inner?.stop()
      }
    }
  }
}
