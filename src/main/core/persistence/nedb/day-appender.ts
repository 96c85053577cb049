import { appendFile } from 'node:fs/promises'
import { join } from 'node:path'

import { dayOf } from '../utc-day'

/**
 * Appends lines to per-UTC-day files (`<dir>/<day><ext>`), a batch at a time: lines that arrive
 * while a write is in flight go out together in the next one, so a burst of thousands costs a
 * few writes, and writes never interleave.
 */
export class DayAppender {
  private buffered = new Map<string, string[]>()
  private bytes = 0
  /** The batch still taking lines (its write has not started), if any. */
  private pending: Promise<void> | null = null
  /** The newest batch's write. */
  private tail: Promise<void> = Promise.resolve()

  constructor(
    private readonly dir: string,
    private readonly ext: string
  ) {}

  /** Bytes queued and not yet being written. */
  get bufferedBytes(): number {
    return this.bytes
  }

  /** Queues `line` for the file of the day of `time`; resolves once it is written. */
  append(time: number, line: string): Promise<void> {
    const name = dayOf(time) + this.ext
    let lines = this.buffered.get(name)
    if (lines === undefined) this.buffered.set(name, (lines = []))
    lines.push(line + '\n')
    this.bytes += line.length + 1
    if (this.pending === null) {
      const write = (): Promise<void> => this.writeBatch()
      this.pending = this.tail.then(write, write)
      this.tail = this.pending
    }
    return this.pending
  }

  /** Resolves once everything queued so far is written. */
  flush(): Promise<void> {
    return this.pending ?? this.tail
  }

  private async writeBatch(): Promise<void> {
    this.pending = null
    const batch = this.buffered
    this.buffered = new Map()
    this.bytes = 0
    for (const [name, lines] of batch) await appendFile(join(this.dir, name), lines.join(''))
  }
}
