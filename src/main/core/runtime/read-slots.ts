import { OperationError } from '../operations/operation-error'

/**
 * A bound on long reads that run at once (the audit trail's, exports of the store): each reads
 * files from disk for as long as its range asks, so a script looping over them must not take the
 * disk from the console. One beyond is answered `too_soon` (429) at once, before anything is read.
 */
export class ReadSlots {
  private running = 0

  constructor(
    readonly max: number,
    /** What a refusal says, given the bound. */
    private readonly busy: (max: number) => string
  ) {}

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
    if (this.running >= this.max) throw new OperationError('too_soon', this.busy(this.max))
    this.running += 1
    let released = false
    return () => {
      if (released) return
      released = true
      this.running -= 1
    }
  }
}
