import { readFile } from 'node:fs/promises'

import type { SourceConfig } from '../../../shared/source-types'
import type { Logger } from '../runtime/logger'
import { WatchedFile } from '../runtime/watched-file'
import { parseSourcesFile, SOURCE_LIMITS } from './source-schema'

/** What the file's sources must leave room for: the console's own, which keep their ids. */
export interface ConsoleSourceIds {
  ids(): readonly string[]
}

/**
 * The file's sources, or an Error naming the file when one takes the id of a source made in the
 * console, or they would be more than the bound with the console's: refused as a broken edit
 * is, so the file never takes a source from under the console nor puts more in force.
 */
function fitting(path: string, sources: SourceConfig[], console: ConsoleSourceIds): SourceConfig[] {
  const consoleIds = new Set(console.ids())
  const taken = sources.find((source) => consoleIds.has(source.id))
  if (taken !== undefined)
    throw new Error(
      `sources file ${path}: ${taken.id} is the id of a source made in the console: give the ` +
        `file's another id, or delete the console's first`
    )
  if (sources.length + consoleIds.size > SOURCE_LIMITS.maxSources)
    throw new Error(
      `sources file ${path}: ${sources.length} sources and ${consoleIds.size} made in the ` +
        `console, more than the ${SOURCE_LIMITS.maxSources} allowed in all`
    )
  return sources
}

async function readSourcesText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    throw new Error(`sources file ${path}: ${(error as Error).message}`)
  }
}

/**
 * The sources file (`--sources`) kept in force while the console runs: re-read when it changes
 * (WatchedFile), so sources kept in version control apply without a restart. An edit that does
 * not parse, or does not fit beside the console's sources, is refused with an error log line
 * saying where, and the sources in force stay; `lastError()` says so until the file is fixed.
 */
export class SourcesFile {
  private constructor(private readonly file: WatchedFile<SourceConfig[]>) {}

  /** Reads the file (an error stops the start: the console must not run without its sources). */
  static async open(
    path: string,
    logger: Logger,
    console: ConsoleSourceIds,
    onChange: (sources: SourceConfig[]) => void
  ): Promise<SourcesFile> {
    const file = await WatchedFile.open<SourceConfig[]>(path, {
      read: readSourcesText,
      parse: (text) => fitting(path, parseSourcesFile(path, text), console),
      changed: (sources) => {
        logger.info({ path, sources: sources.length }, 'sources file reloaded')
        onChange(sources)
      },
      refused: (error) =>
        logger.error(
          { path, reason: error.message },
          'sources file not reloaded; the sources in force stay as they were'
        ),
      unwatched: (error) => logger.warn({ err: error, path }, 'stopped watching the sources file')
    })
    return new SourcesFile(file)
  }

  sources(): SourceConfig[] {
    return this.file.value
  }

  /** Why the file's present text is not in force, or null. */
  lastError(): string | null {
    return this.file.lastError
  }

  close(): void {
    this.file.close()
  }
}
