import {
  createWriteStream,
  existsSync,
  readFileSync,
  renameSync,
  writeFileSync,
  type WriteStream
} from 'node:fs'
import { rename, writeFile } from 'node:fs/promises'

/**
 * The reporter's buffer on disk: every report line is appended as it is queued, and the file is
 * rewritten with just the unacknowledged lines from time to time. After a crash the file may
 * still hold reports the console acknowledged; they are sent again and the console drops them as
 * duplicates (its dedup window).
 */
export class SpillFile {
  private stream: WriteStream | null = null
  private rewriting: Promise<void> = Promise.resolve()
  /** Lines appended while a rewrite is replacing the file; they go into the new file after it. */
  private held: string[] | null = null
  /** Lines in the file now: the reporter compacts it when this runs well past its buffer. */
  lines = 0

  constructor(
    private readonly path: string,
    private readonly onError: (error: Error) => void
  ) {}

  /**
   * The lines kept from a previous run (without their newline), read synchronously: this runs
   * once, in the reporter's constructor, so nothing can be queued before them.
   */
  loadSync(): string[] {
    if (!existsSync(this.path)) return []
    const lines = readFileSync(this.path, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0)
    this.lines = lines.length
    return lines
  }

  /** Replaces the file with these lines at once (at start-up). */
  rewriteSync(lines: Iterable<string>): void {
    let text = ''
    let count = 0
    for (const line of lines) {
      text += line
      count += 1
    }
    writeFileSync(this.path + '.tmp', text)
    renameSync(this.path + '.tmp', this.path)
    this.lines = count
  }

  append(line: string): void {
    this.lines += 1
    this.write(line)
  }

  private write(line: string): void {
    if (this.held !== null) {
      this.held.push(line)
      return
    }
    if (this.stream === null) {
      this.stream = createWriteStream(this.path, { flags: 'a' })
      this.stream.on('error', (error) => this.onError(error))
    }
    this.stream.write(line)
  }

  /**
   * Replaces the file with the lines `current()` gives once earlier writes are on disk (written
   * aside, then renamed over it). Rewrites run one after another; a failure is reported, never
   * thrown at the caller.
   */
  rewrite(current: () => Iterable<string>): Promise<void> {
    const next = this.rewriting.then(async () => {
      this.held = []
      try {
        await this.closeStream()
        let text = ''
        let count = 0
        for (const line of current()) {
          text += line
          count += 1
        }
        await writeFile(this.path + '.tmp', text)
        await rename(this.path + '.tmp', this.path)
        this.lines = count + (this.held?.length ?? 0)
      } catch (error) {
        this.onError(error as Error)
      } finally {
        const held = this.held ?? []
        this.held = null
        for (const line of held) this.write(line) // counted when appended
      }
    })
    this.rewriting = next
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
