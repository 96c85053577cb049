import type { ConsoleOperations } from '../../console-operations'
import type { Route } from './route'

type TokenOperations = Pick<
  ConsoleOperations,
  'deviceTokens' | 'createDeviceToken' | 'revokeDeviceToken' | 'setDeviceTokensRequired'
>

/** Device tokens made in the console: the access key only, reading included (they are secrets' metadata). */
export function deviceTokenRoutes(operations: TokenOperations): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/device-tokens',
      role: 'operator',
      handle: () => operations.deviceTokens()
    },
    {
      method: 'POST',
      path: '/api/device-tokens',
      role: 'operator',
      status: 201,
      handle: ({ body }) => operations.createDeviceToken(body)
    },
    {
      method: 'PUT',
      path: '/api/device-tokens/required',
      role: 'operator',
      handle: ({ body }) => operations.setDeviceTokensRequired(body)
    },
    {
      method: 'DELETE',
      path: /^\/api\/device-tokens\/(?<id>[^/]+)$/,
      role: 'operator',
      handle: ({ params }) => operations.revokeDeviceToken(params.id)
    }
  ]
}
