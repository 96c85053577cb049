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
    readonly chunks: AsyncIterable<string>,
    /** Headers of its own (an export's estimate of its size). */
    readonly headers: Readonly<Record<string, string>> = {}
  ) {}
}

/**
 * How long a client may take nothing of a download before it is cut: a reader that stopped
 * must not hold its producer (and the producer's slot: exports run a few at a time) forever.
 */
export const DOWNLOAD_STALL_MS = 60_000

/** Streams a download; a client that goes away stops the producer at its next chunk. */
export async function sendDownload(
  res: ServerResponse,
  download: Download,
  stallMs = DOWNLOAD_STALL_MS
): Promise<void> {
  // The name is ours (letters, digits, dots, dashes), so it needs no quoting beyond the quotes.
  const filename = download.filename.replace(/[^A-Za-z0-9._-]/g, '_')
  res.writeHead(200, {
    'content-type': download.contentType,
    'content-disposition': `attachment; filename="${filename}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    ...download.headers
  })
  const closed = once(res, 'close').then(() => 'closed' as const)
  try {
    for await (const chunk of download.chunks) {
      if (res.destroyed) return
      if (!res.write(chunk)) {
        let timer: NodeJS.Timeout | undefined
        const stalled = new Promise<'stalled'>((resolve) => {
          timer = setTimeout(() => resolve('stalled'), stallMs)
        })
        const outcome = await Promise.race([
          once(res, 'drain').then(() => 'drained' as const),
          closed,
          stalled
        ]).finally(() => clearTimeout(timer))
        if (outcome === 'stalled') res.destroy()
        if (outcome !== 'drained') return
      }
    }
    res.end()
  } catch (error) {
    // The status line is out: all a failed producer can do is cut the answer short.
    res.destroy(error as Error)
    throw error
  }
}
