import { createWriteStream, type WriteStream } from 'node:fs'
import { readFile, rename, writeFile } from 'node:fs/promises'

/**
 * The reporter's buffer on disk: every report line is appended as it is queued, and the file is
 * rewritten with just the unacknowledged lines from time to time. After a crash the file may
 * still hold reports the console acknowledged; they are sent again and the console drops them as
 * duplicates (its dedup window), so nothing is lost and nothing is stored twice.
 */
export class SpillFile {
  private stream: WriteStream | null = null
  private rewriting: Promise<void> = Promise.resolve()
  /** Lines appended while a rewrite is replacing the file; they go into the new file after it. */
  private held: string[] | null = null

  constructor(private readonly path: string) {}

  /** The lines kept from a previous run (report lines, without their newline). */
  async load(): Promise<string[]> {
    try {
      return (await readFile(this.path, 'utf8')).split('\n').filter((l) => l.length > 0)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
  }

  append(line: string): void {
    if (this.held !== null) {
      this.held.push(line)
      return
    }
    this.stream ??= createWriteStream(this.path, { flags: 'a' })
    this.stream.write(line)
  }

  /**
   * Replaces the file with the lines `current()` gives once earlier writes are on disk (written
   * aside, then renamed over it). Rewrites run one after another.
   */
  rewrite(current: () => Iterable<string>): Promise<void> {
    const next = this.rewriting.then(async () => {
      this.held = []
      try {
        await this.closeStream()
        let text = ''
        for (const line of current()) text += line
        await writeFile(this.path + '.tmp', text)
        await rename(this.path + '.tmp', this.path)
      } finally {
        const held = this.held
        this.held = null
        for (const line of held) this.append(line)
      }
    })
    this.rewriting = next.catch(() => undefined)
    return next
  }

  async close(): Promise<void> {
    await this.rewriting
    await this.closeStream()
  }

  private async closeStream(): Promise<void> {
    const stream = this.stream
    this.stream = null
    if (stream !== null) await new Promise<void>((resolve) => stream.end(resolve))
  }
}
