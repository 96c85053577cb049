import type { StoredReport } from '../../../shared/ingest-protocol'
import type { Logger } from '../runtime/logger'

/** One report as a stream sends it: its JSON as stored (`_id`, `time`, `identity`), UTF-8. */
export function encodeReport(report: StoredReport): Buffer {
  return Buffer.from(JSON.stringify(report))
}

/**
 * A batch the store just committed, each report encoded at most once however many streams send
 * it, and only when one does.
 */
export class EncodedBatch {
  private readonly encoded: Array<Buffer | undefined>

  constructor(readonly reports: readonly StoredReport[]) {
    this.encoded = new Array<Buffer | undefined>(reports.length)
  }

  at(index: number): Buffer {
    return (this.encoded[index] ??= encodeReport(this.reports[index]!))
  }
}

/** What a stream takes from the hub: every committed batch, in commit order, in that turn. */
export interface BatchTaker {
  take(batch: EncodedBatch): void
}

export interface StoredReports {
  on(event: 'stored', listener: (reports: StoredReport[]) => void): unknown
  off(event: 'stored', listener: (reports: StoredReport[]) => void): unknown
}

/**
 * The streams' one listener on the store: each committed batch goes to every open stream in the
 * turn it is stored. What a stream does with it is bounded by the batch (ReportFeed.take), so
 * this never makes a commit wait, however many streams there are or however slow their readers.
 */
export class StreamHub {
  private readonly takers = new Set<BatchTaker>()

  constructor(
    private readonly store: StoredReports,
    private readonly logger: Logger
  ) {
    store.on('stored', this.onStored)
  }

  join(taker: BatchTaker): void {
    this.takers.add(taker)
  }

  leave(taker: BatchTaker): void {
    this.takers.delete(taker)
  }

  close(): void {
    this.store.off('stored', this.onStored)
    this.takers.clear()
  }

  private readonly onStored = (reports: StoredReport[]): void => {
    if (this.takers.size === 0) return
    const batch = new EncodedBatch(reports)
    for (const taker of this.takers) {
      // One stream's failure is its own: the others, and the store's other listeners, go on.
      try {
        taker.take(batch)
      } catch (error) {
        this.logger.error({ err: error }, 'a stream could not take a stored batch')
      }
    }
  }
}
