import { watch, type FSWatcher } from 'node:fs'
import { dirname } from 'node:path'

/** What a watched file does with its text: each kind of file (device tokens, alarm rules) brings its own. */
export interface WatchedFileHandlers<T> {
  /** Reads the file's text; its error names the file (it is logged, or stops the start). */
  read(path: string): Promise<string>
  /** What the text means; throws, naming the file and where, to refuse it. */
  parse(text: string): T
  /** A changed text that parsed: it is in force now. */
  changed(value: T): void
  /** A changed text that did not read or parse: what was in force stays. */
  refused(error: Error): void
  /** The directory can no longer be watched: changes are not seen any more. */
  unwatched(error: Error): void
}

export interface WatchedFileOptions {
  /** How long the directory must be quiet before the file is read again. */
  settleMs?: number
}

/**
 * A small file kept in force while the console runs: read at open (its error stops the start),
 * then read again whenever its directory changes, so an edit applies without a restart. A change
 * that does not parse is refused and what was in force stays. The directory is watched, not the
 * file: editors save by writing a new file and renaming it over the old one, and a file may be a
 * symlink swapped underneath (a Kubernetes ConfigMap renames `..data`), whose events carry other
 * names. So any event in the directory reads the file again, and only a change of its text counts.
 */
export class WatchedFile<T> {
  private watcher: FSWatcher | null = null
  private timer: NodeJS.Timeout | null = null
  /** Bumped by every reload (and by close): a reload that finds it moved on is stale. */
  private generation = 0
  private error: string | null = null

  private constructor(
    private readonly path: string,
    private readonly handlers: WatchedFileHandlers<T>,
    private current: T,
    /** The text in force, so a directory event that changed nothing costs no parse. */
    private text: string,
    private readonly settleMs: number
  ) {}

  static async open<T>(
    path: string,
    handlers: WatchedFileHandlers<T>,
    options: WatchedFileOptions = {}
  ): Promise<WatchedFile<T>> {
    const text = await handlers.read(path)
    const file = new WatchedFile(
      path,
      handlers,
      handlers.parse(text),
      text,
      options.settleMs ?? 150
    )
    file.watcher = watch(dirname(path), () => file.scheduleReload())
    file.watcher.on('error', (error) => handlers.unwatched(error))
    return file
  }

  get value(): T {
    return this.current
  }

  /** Why the file's present text is not in force, or null when it is. */
  get lastError(): string | null {
    return this.error
  }

  private scheduleReload(): void {
    // One save is several events (write, rename, chmod): read once they have settled.
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.reload(), this.settleMs)
  }

  private async reload(): Promise<void> {
    this.timer = null
    const mine = ++this.generation
    let text: string
    let value: T
    try {
      text = await this.handlers.read(this.path)
      // A newer reload started meanwhile: it reads a newer file; this one must not win.
      if (mine !== this.generation) return
      if (text === this.text) {
        this.error = null // back to the text in force (a broken edit undone)
        return
      }
      value = this.handlers.parse(text)
    } catch (error) {
      if (mine !== this.generation) return
      this.error = (error as Error).message
      this.handlers.refused(error as Error)
      return
    }
    this.current = value
    this.text = text
    this.error = null
    this.handlers.changed(value)
  }

  close(): void {
    this.generation++ // a reload reading now is not applied after close
    this.watcher?.close()
    this.watcher = null
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }
}
