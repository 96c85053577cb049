import type { SourceOperations } from '../../operations/source-operations'
import type { Route } from './route'
import { decodePathPart } from './url-params'

const SOURCE = /^\/api\/sources\/(?<id>[^/]+)$/

/**
 * Sources over HTTP: listing with either key (passwords never shown), creating, changing and
 * deleting with the access key. Adapters only: the operations validate.
 */
export function sourceRoutes(sources: SourceOperations): Route[] {
  const id = (params: Record<string, string>): string => decodePathPart(params.id!)
  return [
    {
      method: 'GET',
      path: '/api/sources',
      role: 'viewer',
      handle: () => sources.list()
    },
    {
      method: 'POST',
      path: '/api/sources',
      role: 'operator',
      status: 201,
      handle: ({ body }) => sources.create(body)
    },
    {
      method: 'PUT',
      path: SOURCE,
      role: 'operator',
      handle: ({ params, body }) => sources.update(id(params), body)
    },
    {
      method: 'DELETE',
      path: SOURCE,
      role: 'operator',
      handle: async ({ params }) => {
        const source = id(params)
        await sources.remove(source)
        return { deleted: source }
      }
    }
  ]
}
