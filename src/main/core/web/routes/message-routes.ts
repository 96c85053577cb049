import type { MessageService } from '../push/message-service'
import type { PushClientRegistry } from '../push/push-client-registry'
import { parseSendMessage } from '../operations/request-schemas'
import { HttpError } from './http-json'
import type { Route } from './route'

export interface MessageRouteDeps {
  messages: MessageService
  clients: PushClientRegistry
}

/** Sending (the access key only), delivery states and the push clients (any key). */
export function messageRoutes(deps: MessageRouteDeps): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/messages',
      role: 'operator',
      status: 202,
      handle: async ({ body }) => {
        const request = parseSendMessage(body)
        return deps.messages.send(request.to, request.data)
      }
    },
    {
      method: 'GET',
      path: /^\/api\/messages\/(?<id>[^/]+)$/,
      role: 'viewer',
      handle: async ({ params }) => {
        const status = await deps.messages.status(params.id!)
        if (status === undefined) throw new HttpError(404, 'not_found', `no message ${params.id}`)
        return status
      }
    },
    { method: 'GET', path: '/api/clients', role: 'viewer', handle: () => deps.clients.list() }
  ]
}
