import { format } from 'node:util'

import { setErrorLogger, setWarningLogger } from 'node-opcua-client'

import type { Logger } from '../../runtime/logger'

/**
 * node-opcua prints its warnings and errors with console.log, many a line per reconnect
 * ("[NODE-OPCUA-W..] ..."), from module-level loggers: the setting is the process's, not one
 * client's. They go to this logger instead, warnings at `debug` (they repeat what the driver
 * says once, in words, through its state) and errors at `warn`. The last logger given wins.
 */
export function routeOpcuaLogs(logger: Logger): void {
  setWarningLogger((...args: unknown[]) => logger.debug(format(...args)))
  setErrorLogger((...args: unknown[]) => logger.warn(format(...args)))
}
