import type { LookoutConsole } from '../console'
import type { Route } from './route'

/** Device tokens made in the console: the access key only, reading included (they are secrets' metadata). */
export function deviceTokenRoutes(
  core: Pick<
    LookoutConsole,
    'deviceTokens' | 'createDeviceToken' | 'revokeDeviceToken' | 'setDeviceTokensRequired'
  >
): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/device-tokens',
      role: 'operator',
      handle: () => core.deviceTokens()
    },
    {
      method: 'POST',
      path: '/api/device-tokens',
      role: 'operator',
      status: 201,
      handle: ({ body }) => core.createDeviceToken(body)
    },
    {
      method: 'PUT',
      path: '/api/device-tokens/required',
      role: 'operator',
      handle: ({ body }) => core.setDeviceTokensRequired(body)
    },
    {
      method: 'DELETE',
      path: /^\/api\/device-tokens\/(?<id>[^/]+)$/,
      role: 'operator',
      handle: ({ params }) => core.revokeDeviceToken(params.id)
    }
  ]
}
