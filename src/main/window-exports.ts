import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'

import type { ExportOutcome, ExportProgress } from '../shared/history-types'
import { EXPORT_PROGRESS_CHANNEL } from '../shared/ipc-contract'
import type { ReportExport } from './core/export/report-export'
import { parseExportId } from './core/operations/export-request-schemas'
import { OperationError } from './core/operations/operation-error'
import type { WindowSender } from './ipc'

/** What a file to save is made of: an export of reports, the audit trail. */
export type FileExport = Pick<ReportExport, 'filename' | 'chunks' | 'progress'>

export interface WindowExportsDeps {
  /**
   * Where the operator wants the file (Electron's save dialog, from src/main/index.ts), the
   * export's own name offered; null when they closed the dialog.
   */
  chooseSavePath: (defaultName: string) => Promise<string | null>
  /** Least time between two progress events to the window; 100 ms by default. */
  progressEveryMs?: number
}

/**
 * The desktop window's exports: the operator picks a file, and the export the HTTP route
 * streams (the same producer) is written to it through `pipeline`, so a slow disk paces the scan
 * as a slow client does. The window is told the progress at most every 100 ms; an export it
 * cancels, or one whose window closed, stops and leaves no part-written file — nor does a failed
 * one: the file is written beside its place and renamed into it once complete, so a file chosen
 * to be overwritten stays whole until then.
 */
export class WindowExports {
  private readonly running = new Map<string, AbortController>()

  constructor(private readonly deps: WindowExportsDeps) {}

  /**
   * Saves what `open` makes (an operation: it validates the request and takes its slot, before
   * the dialog, so a refusal comes at once) where the operator chooses.
   */
  async run(sender: WindowSender, id: unknown, open: () => FileExport): Promise<ExportOutcome> {
    const exportId = id === undefined ? randomUUID() : parseExportId(id)
    if (this.running.has(exportId))
      throw new OperationError('conflict', `an export with the id ${exportId} is running`)
    const made = open()
    const abort = new AbortController()
    this.running.set(exportId, abort)
    const progress = (): ExportProgress => ({ id: exportId, ...made.progress() })
    let timer: NodeJS.Timeout | undefined
    let piped = false
    try {
      const path = await this.deps.chooseSavePath(made.filename)
      if (path === null || abort.signal.aborted) return { saved: false }
      piped = true
      timer = setInterval(() => {
        if (sender.isDestroyed()) abort.abort()
        else sender.send(EXPORT_PROGRESS_CHANNEL, progress())
      }, this.deps.progressEveryMs ?? 100)
      let bytes = 0
      const counted = async function* (chunks: AsyncIterable<string>): AsyncGenerator<Buffer> {
        for await (const chunk of chunks) {
          const buffer = Buffer.from(chunk, 'utf8')
          bytes += buffer.length
          yield buffer
        }
      }
      const partial = `${path}.part`
      try {
        await pipeline(counted(made.chunks), createWriteStream(partial), { signal: abort.signal })
        await rename(partial, path)
      } catch (error) {
        await rm(partial, { force: true })
        if (abort.signal.aborted) return { saved: false }
        throw error
      }
      if (!sender.isDestroyed())
        sender.send(EXPORT_PROGRESS_CHANNEL, { ...progress(), fraction: 1 })
      return { saved: true, path, reports: made.progress().reports, bytes }
    } finally {
      clearInterval(timer)
      this.running.delete(exportId)
      // Never read (no file chosen, or the dialog failed): its slot is given back.
      if (!piped) await made.chunks[Symbol.asyncIterator]().return?.()
    }
  }

  /** Stops an export of this window's; one that ended already (or never was) is no error. */
  cancel(id: unknown): void {
    this.running.get(parseExportId(id))?.abort()
  }
}
