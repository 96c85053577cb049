import type { ConsoleOperations } from '../../console-operations'
import type { Route } from './route'

type MessageOperations = Pick<ConsoleOperations, 'sendMessage' | 'messageStatus' | 'pushClients'>

/** Sending (the access key only), delivery states and the push clients (any key). */
export function messageRoutes(operations: MessageOperations): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/messages',
      role: 'operator',
      status: 202,
      handle: ({ body }) => operations.sendMessage(body)
    },
    {
      method: 'GET',
      path: /^\/api\/messages\/(?<id>[^/]+)$/,
      role: 'viewer',
      handle: ({ params }) => operations.messageStatus(params.id)
    },
    {
      method: 'GET',
      path: '/api/clients',
      role: 'viewer',
      handle: () => operations.pushClients()
    }
  ]
}
