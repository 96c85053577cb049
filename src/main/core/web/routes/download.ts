import { once } from 'node:events'
import type { ServerResponse } from 'node:http'

/**
 * A route's answer that is a file to save rather than JSON (CSV of the audit trail, exports):
 * sent as it is produced, each chunk only once the client took the one before, so a file of any
 * size costs constant memory and a slow reader paces the producer rather than filling a queue.
 */
export class Download {
  constructor(
    readonly filename: string,
    readonly contentType: string,
    readonly chunks: AsyncIterable<string>
  ) {}
}

/** Streams a download; a client that goes away stops the producer at its next chunk. */
export async function sendDownload(res: ServerResponse, download: Download): Promise<void> {
  // The name is ours (letters, digits, dots, dashes), so it needs no quoting beyond the quotes.
  const filename = download.filename.replace(/[^A-Za-z0-9._-]/g, '_')
  res.writeHead(200, {
    'content-type': download.contentType,
    'content-disposition': `attachment; filename="${filename}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin'
  })
  const closed = once(res, 'close').then(() => 'closed' as const)
  try {
    for await (const chunk of download.chunks) {
      if (res.destroyed) return
      if (!res.write(chunk)) {
        const outcome = await Promise.race([
          once(res, 'drain').then(() => 'drained' as const),
          closed
        ])
        if (outcome === 'closed') return
      }
    }
    res.end()
  } catch (error) {
    // The status line is out: all a failed producer can do is cut the answer short.
    res.destroy(error as Error)
    throw error
  }
}
