import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'

import type { DayLog, DayLogOptions, DayLogRange } from '../day-log'
import { DAY_MS, dayStart } from '../utc-day'
import { DayAppender } from './day-appender'
import { dayOfFile, deleteDaysBefore, listDayFiles } from './day-files'
import { migrateToDays } from './day-migration'
import { scanNedbFile } from './nedb-lines'

const EXT = '.ndjson'

/**
 * A day log as NDJSON files, `<dataDir>/<name>/<day>.ndjson`: one JSON object a line, no ids,
 * appended a batch at a time (DayAppender). Not NeDB, whose load holds a whole file and its
 * indexes in memory, but it lives beside it: a single NeDB `<dataDir>/<name>.db` of an earlier
 * version is carried over into day files once.
 */
export class NdjsonDayLog<T extends object> implements DayLog<T> {
  private readonly out: DayAppender

  private constructor(
    private readonly dir: string,
    private readonly options: DayLogOptions<T>
  ) {
    this.out = new DayAppender(dir, EXT)
  }

  static async open<T extends object>(
    dataDir: string,
    name: string,
    options: DayLogOptions<T>
  ): Promise<NdjsonDayLog<T>> {
    const dir = join(dataDir, name)
    const log = new NdjsonDayLog(dir, options)
    await migrateToDays({
      legacy: join(dataDir, name + '.db'),
      dir,
      ext: EXT,
      cutoff: options.keepFrom,
      convert: ({ doc }) => {
        const record = options.decode(doc)
        return record === null ? null : { time: log.timeOf(record), line: JSON.stringify(record) }
      }
    })
    await mkdir(dir, { recursive: true })
    return log
  }

  private timeOf(record: T): number {
    return record[this.options.time as keyof T] as number
  }

  append(record: T): Promise<void> {
    return this.out.append(this.timeOf(record), JSON.stringify(record))
  }

  async *read(
    { since, until }: DayLogRange = {},
    { newestDayFirst = false }: { newestDayFirst?: boolean } = {}
  ): AsyncGenerator<T> {
    // Days outside the range are skipped unopened: a day file holds only records of its day.
    const days = (await listDayFiles(this.dir, EXT)).filter((name) => {
      const start = dayStart(dayOfFile(name))
      return (
        (since === undefined || start + DAY_MS > since) && (until === undefined || start <= until)
      )
    })
    if (newestDayFirst) days.reverse()
    for (const name of days) {
      for await (const { doc } of scanNedbFile(join(this.dir, name))) {
        const record = this.options.decode(doc)
        if (record === null) continue
        const time = this.timeOf(record)
        if ((since === undefined || time >= since) && (until === undefined || time <= until))
          yield record
      }
    }
  }

  deleteBefore(time: number): Promise<string[]> {
    return deleteDaysBefore(this.dir, EXT, time)
  }

  flush(): Promise<void> {
    return this.out.flush()
  }
}
