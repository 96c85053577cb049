import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import type { DayCollections, DayCollectionsOptions } from '../day-collections'
import type { FilterValue } from '../query-filter'
import { dayOf } from '../utc-day'
import { dayOfFile, deleteDaysBefore, listDayFiles } from './day-files'
import { migrateToDays } from './day-migration'
import { NedbCollection, withoutId } from './nedb-collection'
import { currentVersionIn } from './nedb-lines'

const EXT = '.db'
/**
 * Written when a single `<name>.db` of an earlier version is carried over: the time up to which
 * documents of it may be in the days (messages with random UUIDs, which name no day).
 */
const CARRIED_OVER_UNTIL = 'legacy-until'
const DAY = /^\d{4}-\d{2}-\d{2}$/

/**
 * Day collections as NeDB datafiles, `<dataDir>/<name>/<day>.db`. An open day is loaded into
 * NeDB; a lookup in any other day streams its file and parses only the lines that hold the
 * value looked for. A single `<dataDir>/<name>.db` of an earlier version is carried over into
 * day files once, its lines kept as they are.
 */
export class NedbDayCollections<T extends object> implements DayCollections<T> {
  private constructor(
    private readonly dir: string,
    private readonly options: DayCollectionsOptions<T>,
    private until: number | null
  ) {}

  static async open<T extends object>(
    dataDir: string,
    name: string,
    options: DayCollectionsOptions<T>
  ): Promise<NedbDayCollections<T>> {
    const dir = join(dataDir, name)
    const { unique, time, keepFrom } = options
    const migrated = await migrateToDays({
      legacy: join(dataDir, name + EXT),
      dir,
      ext: EXT,
      cutoff: keepFrom,
      // NeDB lines are kept as they are: an update is the whole document again, under its _id.
      convert: ({ doc, line }) => {
        const key = doc[unique]
        const at = doc[time]
        if ((typeof key !== 'string' && typeof key !== 'number') || typeof at !== 'number')
          return null
        return { time: at, line }
      }
    })
    await mkdir(dir, { recursive: true })
    if (migrated !== null) await writeFile(join(dir, CARRIED_OVER_UNTIL), String(options.now))
    const until = Number(await readFile(join(dir, CARRIED_OVER_UNTIL), 'utf8').catch(() => NaN))
    return new NedbDayCollections(dir, options, Number.isFinite(until) ? until : null)
  }

  get carriedOverUntil(): number | null {
    return this.until
  }

  async days(): Promise<string[]> {
    return (await listDayFiles(this.dir, EXT)).map(dayOfFile)
  }

  async open(day: string): Promise<NedbCollection<T>> {
    return NedbCollection.open<T>(this.fileOf(day), { unique: this.options.unique })
  }

  async lookup(day: string, value: FilterValue): Promise<T | undefined> {
    const { unique } = this.options
    let found: Record<string, unknown> | undefined
    try {
      // NeDB writes values as JSON.stringify does: a line holding the document holds this text.
      found = await currentVersionIn(
        this.fileOf(day),
        JSON.stringify(value),
        (doc) => doc[unique] === value
      )
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    return found === undefined ? undefined : (withoutId(found) as T)
  }

  async deleteBefore(time: number): Promise<string[]> {
    const deleted = await deleteDaysBefore(this.dir, EXT, time)
    if (this.until !== null && dayOf(time) > dayOf(this.until)) {
      await rm(join(this.dir, CARRIED_OVER_UNTIL), { force: true })
      this.until = null
    }
    return deleted
  }

  private fileOf(day: string): string {
    if (!DAY.test(day)) throw new Error(`not a day: ${day}`)
    return join(this.dir, day + EXT)
  }
}
