import { z } from 'zod'

import type { MessageService } from '../push/message-service'
import type { PushClientRegistry } from '../push/push-client-registry'
import { RequestError } from '../request-error'
import { HttpError } from './http-json'
import type { Route } from './route'

export interface MessageRouteDeps {
  messages: MessageService
  clients: PushClientRegistry
}

const sendSchema = z.object({
  to: z.string().min(1, 'to: must not be empty').max(256).optional(),
  data: z.unknown().refine((d) => d !== undefined, 'data: required')
})

/** Sending (the access key only), delivery states and the push clients (any key). */
export function messageRoutes(deps: MessageRouteDeps): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/messages',
      role: 'operator',
      status: 202,
      handle: async ({ body }) => {
        const parsed = sendSchema.safeParse(body)
        if (!parsed.success || typeof body !== 'object' || body === null || Array.isArray(body)) {
          const message = parsed.success
            ? 'the body must be an object { to?, data }'
            : parsed.error.issues[0]?.message
          throw new HttpError(400, 'bad_request', message ?? 'invalid body')
        }
        try {
          return await deps.messages.send(parsed.data.to, parsed.data.data)
        } catch (error) {
          if (error instanceof RequestError && error.code === 'not_found')
            throw new HttpError(404, 'not_found', error.message)
          throw error
        }
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
