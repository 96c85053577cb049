import type { ApiErrorBody } from '../../../shared/api-types'
import {
  EXPORT_ESTIMATE_HEADER,
  type ExportOutcome,
  type ExportProgress
} from '../../../shared/history-types'
import { BridgeError } from './console-bridge'

export interface BrowserDownload {
  /** The console's address of the file, with its query. */
  url: string
  key: string
  id: string
  /** Lines before the first report's (a CSV's header). */
  headerLines: number
  /** CSV: a line break inside a quoted cell is not a row's end, and is not counted. */
  csv: boolean
  signal: AbortSignal
  onProgress: (progress: ExportProgress) => void
  /** Least time between two progress calls; 100 ms by default. */
  progressEveryMs?: number
}

const LF = 10

/**
 * A file of the console's (an export) saved as a browser download: fetched with the key in a
 * header (never in the URL), its body read as it comes, counting lines — one per report, as the
 * console writes them — against the estimate the console sends, then handed to the browser as a
 * Blob through a temporary `<a download>`. The whole file is held in the page until then: a
 * page on the LAN over plain HTTP has no API to stream to a file of its own choosing.
 * Aborted, it answers `{ saved: false }`.
 */
export async function downloadFile(download: BrowserDownload): Promise<ExportOutcome> {
  let response: Response
  try {
    response = await fetch(download.url, {
      headers: { authorization: `Bearer ${download.key}` },
      signal: download.signal
    })
  } catch (error) {
    if (download.signal.aborted) return { saved: false }
    throw new BridgeError('unreachable', `the console cannot be reached: ${String(error)}`)
  }
  if (!response.ok || response.body === null) {
    const error = (await response.json().catch(() => null)) as Partial<ApiErrorBody> | null
    throw new BridgeError(
      error?.error ?? `http_${response.status}`,
      error?.message ?? `the console answered ${response.status}`
    )
  }
  const estimate = Number(response.headers.get(EXPORT_ESTIMATE_HEADER) ?? 0)
  const filename = filenameOf(response.headers.get('content-disposition')) ?? 'lookout-export'
  const parts: Uint8Array[] = []
  let lines = 0
  let bytes = 0
  let lastSent = 0
  const progress = (fraction?: number): ExportProgress => {
    const reports = Math.max(0, lines - download.headerLines)
    const share = estimate > 0 ? Math.min(1, reports / estimate) : 0
    return { id: download.id, reports, fraction: fraction ?? share }
  }
  const rows = new CsvRowEnds()
  const reader = response.body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      parts.push(value)
      bytes += value.length
      if (download.csv) lines += rows.count(value)
      else for (let i = value.indexOf(LF); i !== -1; i = value.indexOf(LF, i + 1)) lines += 1
      const now = Date.now()
      if (now - lastSent >= (download.progressEveryMs ?? 100)) {
        lastSent = now
        download.onProgress(progress())
      }
    }
  } catch (error) {
    if (download.signal.aborted) return { saved: false }
    throw new BridgeError('unreachable', `the export was cut short: ${String(error)}`)
  }
  download.onProgress(progress(1))
  saveBlob(
    new Blob(parts as BlobPart[], { type: response.headers.get('content-type') ?? '' }),
    filename
  )
  return { saved: true, path: filename, reports: progress().reports, bytes }
}

/**
 * Counts the ends of CSV rows in bytes as they come: an LF outside quotes. A doubled quote
 * inside a quoted cell turns the state twice, so no escape needs handling; the state carries
 * over from one read to the next.
 */
class CsvRowEnds {
  private quoted = false

  count(bytes: Uint8Array): number {
    let ends = 0
    let quoted = this.quoted
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]
      if (b === QUOTE) quoted = !quoted
      else if (b === LF && !quoted) ends += 1
    }
    this.quoted = quoted
    return ends
  }
}

const QUOTE = 0x22

/** Hands a Blob to the browser as a download of that name. */
function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  link.className = 'offscreen'
  document.body.append(link)
  link.click()
  link.remove()
  // Some browsers read the Blob after the click returns: it is let go a while later.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/** The name in `attachment; filename="…"` (the console's names need no unquoting). */
function filenameOf(disposition: string | null): string | null {
  const match = /filename="([^"]+)"/.exec(disposition ?? '')
  return match?.[1] ?? null
}
