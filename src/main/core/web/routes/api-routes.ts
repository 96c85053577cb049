import type { ConsoleOperations } from '../../console-operations'
import { alarmRoutes } from './alarm-routes'
import { deviceTokenRoutes } from './device-token-routes'
import { exportRoutes } from './export-routes'
import { messageRoutes } from './message-routes'
import { reportRoutes } from './report-routes'
import type { Route } from './route'
import { seriesRoutes } from './series-routes'
import { sourceRoutes } from './source-routes'

/** Every endpoint of the API: each a URL mapped to an operation, behind its key. */
export function apiRoutes(operations: ConsoleOperations): Route[] {
  return [
    ...reportRoutes(operations),
    ...seriesRoutes(operations),
    ...messageRoutes(operations),
    ...deviceTokenRoutes(operations),
    ...exportRoutes(operations),
    ...alarmRoutes(operations.alarms),
    ...sourceRoutes(operations.sources),
    {
      method: 'GET',
      path: '/api/diagnostics',
      role: 'operator',
      handle: () => operations.diagnostics()
    }
  ]
}
