import { OperationError } from '../operations/operation-error'

/**
 * How many reads of the audit trail (`GET /api/alarm-events`, as JSON or CSV) run at once: each
 * reads day files from disk for as long as its range asks, so a script looping over exports
 * must not take the disk from the console. One beyond is answered `too_soon` (429) at once,
 * before anything is read.
 */
export class AuditScans {
  private running = 0

  constructor(readonly max: number) {}

  /** Runs `scan` in a slot; `too_soon` when every slot is taken. */
  async run<T>(scan: () => Promise<T>): Promise<T> {
    const release = this.take()
    try {
      return await scan()
    } finally {
      release()
    }
  }

  /**
   * `chunks` read in a slot, taken now (so a refusal comes before an answer starts) and given
   * back when the reading ends: done, failed, or stopped early (a client that went away). The
   * caller must iterate it, or call `return()` on its iterator.
   */
  stream<T>(chunks: () => AsyncIterable<T>): AsyncIterable<T> {
    const release = this.take()
    let iterator: AsyncIterator<T> | null = null
    const open = (): AsyncIterator<T> => (iterator ??= chunks()[Symbol.asyncIterator]())
    const ended = <R>(result: R): R => {
      release()
      return result
    }
    return {
      [Symbol.asyncIterator]: () => ({
        async next() {
          let result: IteratorResult<T>
          try {
            result = await open().next()
          } catch (error) {
            release()
            throw error
          }
          return result.done === true ? ended(result) : result
        },
        async return(value?: unknown) {
          try {
            await iterator?.return?.(value)
          } finally {
            release()
          }
          return { done: true, value: undefined }
        }
      })
    }
  }

  get inUse(): number {
    return this.running
  }

  /** Takes a slot; its release is safe to call more than once. */
  private take(): () => void {
    if (this.running >= this.max)
      throw new OperationError(
        'too_soon',
        `the audit trail is being read by ${this.max} requests already: retry in a few seconds`
      )
    this.running += 1
    let released = false
    return () => {
      if (released) return
      released = true
      this.running -= 1
    }
  }
}
