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
  const buffers = new ChunkBuffers()
  try {
    for await (const chunk of download.chunks) {
      if (res.destroyed) return
      const encoded = await buffers.encode(chunk, closed)
      if (encoded === null) return
      if (!res.write(encoded.bytes, () => encoded.written())) {
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

/**
 * Two buffers the chunks are encoded into in turn, each reused once the socket has written it.
 * Written as strings (or as a new Buffer each), the chunks outlive the young generation while
 * the socket drains them and pile up until a full GC: an export of 2,000,000 reports grew the
 * console by 140–170 MB; encoded into these two, by a few MB.
 */
class ChunkBuffers {
  private static readonly BYTES = 256 * 1024
  private readonly pool = [
    Buffer.allocUnsafe(ChunkBuffers.BYTES),
    Buffer.allocUnsafe(ChunkBuffers.BYTES)
  ]
  /** Per buffer: resolved once the socket wrote what was last written from it. */
  private readonly written: Array<Promise<void>> = [Promise.resolve(), Promise.resolve()]
  private next = 0

  /**
   * The chunk as bytes, with the callback to hand its write (it frees the buffer, on success or
   * error alike): in the next pool buffer once the socket is done with it, in a new Buffer when
   * it does not fit; null if the answer closed meanwhile.
   */
  async encode(
    chunk: string,
    closed: Promise<'closed'>
  ): Promise<{ bytes: Buffer; written: () => void } | null> {
    if (Buffer.byteLength(chunk) > ChunkBuffers.BYTES)
      return { bytes: Buffer.from(chunk, 'utf8'), written: () => undefined }
    const i = this.next
    this.next = 1 - i
    const free = await Promise.race([this.written[i]!.then(() => 'free' as const), closed])
    if (free === 'closed') return null
    let written!: () => void
    this.written[i] = new Promise<void>((resolve) => (written = resolve))
    const length = this.pool[i]!.write(chunk, 'utf8')
    return { bytes: this.pool[i]!.subarray(0, length), written }
  }
}
